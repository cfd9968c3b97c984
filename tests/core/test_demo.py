"""The demo loads whole: every row of its register, one user per role."""

import io

from django.core.management import call_command

from mitra.agreements.models import Agreement
from mitra.core.management.commands.load_demo import REGISTER
from mitra.core.models import Role, User


def test_the_demo_loads_every_agreement_and_a_user_per_role(db):
    out = io.StringIO()

    call_command("load_demo", "--if-empty", stdout=out)

    assert Agreement.objects.exclude(status="draft").count() == len(REGISTER)
    assert {user.role for user in User.objects.filter(is_superuser=False)} == set(
        Role.values
    )
    assert User.objects.filter(is_superuser=True).exists()
    assert "mitra-demo-2026" in out.getvalue()

    call_command("load_demo", "--if-empty", stdout=io.StringIO())
    assert Agreement.objects.exclude(status="draft").count() == len(REGISTER)
