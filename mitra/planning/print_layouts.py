"""Layouts of the default DOCX templates of the planning forms.

Written into `mitra/planning/defaults/` by
`python -m mitra.documents.defaults.build needs_mapping minutes programme`.
"""

from django.utils.translation import gettext_noop as _

from mitra.documents.defaults.layout import label


def needs_mapping_layout(form, doc):
    doc.letterhead()
    doc.title(subtitle=label(_("Year")) + " {{ year }}")
    doc.fields(
        [
            (label(_("Needs stated")), "{{ need_count }}"),
            (label(_("Needs with no agreement in force")), "{{ gap_count }}"),
            (label(_("Agreements in force on")), "{{ gap_date }}"),
        ]
    )
    doc.paragraph("{{ instructions }}")
    doc.heading(label(_("Summary per unit")))
    doc.loop_table(
        "units",
        [
            (label(_("Unit")), "{{ item.unit }}"),
            (label(_("Kind")), "{{ item.kind }}"),
            (label(_("Needs")), "{{ item.needs }}"),
            (label(_("Gaps")), "{{ item.gaps }}"),
            (label(_("Needed most")), "{{ item.high }}"),
        ],
        empty=label(_("No needs stated.")),
    )
    doc.heading(label(_("Needs per cooperation type")))
    doc.loop_table(
        "cooperation_types",
        [
            (label(_("Cooperation type")), "{{ item.name }}"),
            (label(_("Tridharma fields")), "{{ item.fields }}"),
            (label(_("Units")), "{{ item.needs }}"),
            (label(_("Gaps")), "{{ item.gaps }}"),
        ],
        empty=label(_("No needs stated.")),
    )
    doc.heading(label(_("Needs stated, unit by unit")))
    doc.loop_table(
        "needs",
        [
            (label(_("Unit")), "{{ item.unit }}"),
            (label(_("Cooperation type")), "{{ item.cooperation_type }}"),
            (label(_("Need")), "{{ item.level }}"),
            (label(_("Partner profile wanted")), "{{ item.partner_profile }}"),
            (label(_("Notes")), "{{ item.notes }}"),
            (label(_("Covered")), "{{ item.coverage }}"),
        ],
        empty=label(_("No needs stated.")),
    )
    doc.signatures(
        [
            (
                "{{ issued_on or printed_on }}",
                label(_("Head of the cooperation office")),
                "{{ issued_by or '(....................................)' }}",
                "",
            )
        ]
    )


def minutes_layout(form, doc):
    doc.letterhead()
    doc.title(subtitle="{% if number %}" + label(_("No.")) + " {{ number }}{% endif %}")
    doc.fields(
        [
            (label(_("Meeting")), "{{ title }}"),
            (label(_("Kind")), "{{ kind }}"),
            (label(_("Date")), "{{ date }}"),
            (label(_("Time")), "{{ time }}"),
            (label(_("Place")), "{{ place }}"),
            (label(_("Unit met")), "{{ unit }}"),
            (label(_("Partner met")), "{{ partner }}"),
            (label(_("Chaired by")), "{{ chair }}"),
            (label(_("Minutes taken by")), "{{ minute_taker }}"),
        ]
    )
    doc.heading(label(_("Attendees")))
    doc.loop_table(
        "attendees",
        [
            (label(_("No.")), "{{ item.number }}"),
            (label(_("Name")), "{{ item.name }}"),
            (label(_("Organisation or unit")), "{{ item.organisation }}"),
            (label(_("Position")), "{{ item.position }}"),
            (label(_("Presence")), "{{ item.presence }}"),
        ],
        empty=label(_("None recorded.")),
    )
    doc.heading(label(_("Agenda")))
    doc.paragraph("{{ agenda }}")
    doc.heading(label(_("Discussion")))
    doc.paragraph("{{ discussion }}")
    doc.heading(label(_("Decisions")))
    doc.paragraph("{{ decisions }}")
    doc.heading(label(_("Actions agreed")))
    doc.loop_table(
        "action_items",
        [
            (label(_("No.")), "{{ item.number }}"),
            (label(_("Action")), "{{ item.description }}"),
            (label(_("Owner")), "{{ item.owner }}"),
            (label(_("Due date")), "{{ item.due_date }}"),
            (label(_("Status")), "{{ item.status }}"),
        ],
        empty=label(_("None.")),
    )
    doc.heading(label(_("Proposals raised in the meeting")))
    doc.loop_table(
        "proposals",
        [
            (label(_("Number")), "{{ item.number }}"),
            (label(_("Title")), "{{ item.title }}"),
            (label(_("Proposed by")), "{{ item.proposer }}"),
        ],
        empty=label(_("None.")),
    )
    doc.signatures(
        [
            (
                label(_("Minutes taken by")),
                "",
                "{{ minute_taker }}",
                "",
            ),
            (
                label(_("Approved by")),
                "{{ approved_on }}",
                "{{ approved_by or chair }}",
                "",
            ),
        ]
    )


def programme_layout(form, doc):
    doc.letterhead()
    doc.title(subtitle=label(_("Year")) + " {{ year }}")
    doc.paragraph("{{ introduction }}")
    doc.heading(label(_("Planned initiatives")))
    doc.loop_table(
        "items",
        [
            (label(_("No.")), "{{ item.number }}"),
            (label(_("Initiative")), "{{ item.title }}"),
            (label(_("Partner")), "{{ item.partner }}"),
            (label(_("Unit")), "{{ item.unit }}"),
            (label(_("Cooperation types")), "{{ item.cooperation_types }}"),
            (label(_("Timeline")), "{{ item.timeline }}"),
            (label(_("Budget")), "{{ item.budget }}"),
            (label(_("Status")), "{{ item.status }}"),
        ],
        empty=label(_("None.")),
    )
    doc.paragraph(label(_("Total budget")) + ": {{ total_budget }}")
    doc.heading(label(_("Targets of the year")))
    doc.paragraph("{{ targets_status }}")
    doc.loop_table(
        "targets",
        [
            (label(_("No.")), "{{ item.number }}"),
            (label(_("Target")), "{{ item.target }}"),
            (label(_("Count")), "{{ item.count }}"),
            (label(_("Achieved")), "{{ item.achieved }}"),
        ],
        empty=label(_("No targets set.")),
    )
    doc.signatures(
        [
            (
                "{{ approved_on or printed_on }}",
                label(_("Head of the cooperation office")),
                "{{ approved_by or '(....................................)' }}",
                "",
            )
        ]
    )
