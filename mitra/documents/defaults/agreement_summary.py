"""Layout of the default template of the agreement summary sheet."""

from django.utils.translation import gettext_noop as _

from mitra.documents.defaults.layout import label


def agreement_summary_layout(form, doc):
    doc.letterhead()
    doc.title(subtitle="{{ document_type }} {{ number }}")

    doc.heading(label(_("Document")))
    doc.fields(
        [
            (label(_("Our number")), "{{ number }}"),
            (label(_("Partner's number")), "{{ partner_number }}"),
            (label(_("Document type")), "{{ document_type }}"),
            (label(_("Title")), "{{ title }}"),
            (label(_("Status")), "{{ status }}"),
            (label(_("Validity")), "{{ validity }}"),
            (label(_("Scope")), "{{ scope }}"),
            (label(_("Tridharma fields")), "{{ fields }}"),
            (label(_("Cooperation types")), "{{ cooperation_types_text }}"),
            (label(_("Units")), "{{ units_text }}"),
            (label(_("Start date")), "{{ start_date }}"),
            (label(_("End date")), "{{ end_date }}"),
            (label(_("Duration")), "{{ duration }}"),
            (label(_("Signed on")), "{{ signed_on }}"),
            (label(_("Value")), "{{ value }}"),
            (label(_("Funding source")), "{{ funding_source }}"),
            (label(_("Renews")), "{{ renews }}"),
        ]
    )

    doc.heading(label(_("Partner")))
    doc.fields(
        [
            (label(_("Name")), "{{ partner.name }}"),
            (label(_("Partner code")), "{{ partner.code }}"),
            (label(_("Kind")), "{{ partner.kind }}"),
            (label(_("Country")), "{{ partner.country }}"),
            (label(_("Address")), "{{ partner.address }}"),
            (label(_("Website")), "{{ partner.website }}"),
            (label(_("Email")), "{{ partner.email }}"),
            (label(_("Phone")), "{{ partner.phone }}"),
            (
                label(_("Partner's responsible person")),
                "{{ partner_contact.name }}{% if partner_contact.position %}, "
                "{{ partner_contact.position }}{% endif %}",
            ),
        ]
    )

    doc.heading(label(_("Parties and signatories")))
    doc.loop_table(
        "parties",
        [
            (label(_("Party")), "{{ item.role }}"),
            (label(_("Name")), "{{ item.name }}"),
            (label(_("Signatory")), "{{ item.signatory_name }}"),
            (label(_("Position")), "{{ item.signatory_position }}"),
        ],
        empty=label(_("None.")),
    )
    doc.paragraph(label(_("Our responsible person")) + ": {{ responsible_person }}")

    relatives = [
        (label(_("Number")), "{{ item.number }}"),
        (label(_("Type")), "{{ item.document_type }}"),
        (label(_("Title")), "{{ item.title }}"),
        (label(_("Period")), "{{ item.period }}"),
        (label(_("Validity")), "{{ item.validity }}"),
    ]
    doc.heading(label(_("Parent documents")))
    doc.loop_table("parents", relatives, empty=label(_("None.")))
    doc.heading(label(_("Documents under this one")))
    doc.loop_table("children", relatives, empty=label(_("None.")))

    doc.heading(label(_("Activities")))
    doc.loop_table(
        "activities",
        [
            (label(_("No.")), "{{ item.number }}"),
            (label(_("Activity")), "{{ item.title }}"),
            (label(_("Unit")), "{{ item.unit }}"),
            (label(_("Period")), "{{ item.period }}"),
            (label(_("Students")), "{{ item.students }}"),
            (label(_("Credits recognised")), "{{ item.students_credited }}"),
            (label(_("Output")), "{{ item.output }}"),
        ],
        empty=label(_("No activity recorded yet.")),
    )

    doc.signatures(
        [
            (
                label(_("First party")),
                "{{ institution_name }}",
                "{{ our_signatory_name }}",
                "{{ our_signatory_position }}",
            ),
            (
                label(_("Second party")),
                "{{ partner.name }}",
                "{{ partner_signatory_name }}",
                "{{ partner_signatory_position }}",
            ),
        ]
    )
