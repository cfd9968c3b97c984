"""Factories for the test suite: one per model, with sensible defaults."""

import datetime

import factory

from mitra.agreements.models import Activity, Agreement, DocumentType, Status
from mitra.core.fields import Scope
from mitra.core.models import Role, Unit, UnitKind, User
from mitra.partners.models import Contact, Partner, PartnerKind


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = UnitKind.UNIT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.test")
    role = Role.UNIT
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create and extracted:
            self.units.set(extracted)


class PartnerKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerKind
        django_get_or_create = ("code",)

    code = "industry"
    name = "Industri"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"PT Mitra Contoh {n}")
    kind = factory.SubFactory(PartnerKindFactory)
    scope = Scope.NATIONAL
    country = "Indonesia"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Kontak {n}")
    position = "Manager"
    email = factory.Sequence(lambda n: f"contact{n}@partner.test")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    document_type = DocumentType.MOA
    number = factory.Sequence(lambda n: f"{n:03d}/PL/HK/2024")
    title = factory.Sequence(lambda n: f"Kerja sama {n}")
    partner = factory.SubFactory(PartnerFactory)
    status = Status.SIGNED
    start_date = datetime.date(2024, 1, 1)
    end_date = datetime.date(2027, 12, 31)
    education = True

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create and extracted:
            self.units.set(extracted)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    agreement = factory.SubFactory(AgreementFactory)
    title = factory.Sequence(lambda n: f"Kegiatan {n}")
    start_date = datetime.date(2024, 3, 1)
