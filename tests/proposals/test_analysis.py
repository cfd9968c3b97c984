"""The analysis: reviewers, rubric scores, the weighted score and ranking."""

import re
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from mitra.core.models import Notification
from mitra.planning.models import CooperationType
from mitra.proposals import services
from mitra.proposals.models import (
    Proposal,
    Review,
    RubricCriterion,
    Score,
    Status,
)
from mitra.proposals.selectors import ranked_proposals
from tests.factories import UserFactory


@pytest.fixture
def rubric(db):
    """A rubric of two criteria, weights 3 and 1 (the seeded ones made inactive)."""
    RubricCriterion.objects.update(is_active=False)
    return [
        RubricCriterion.objects.create(name="Relevansi", weight=3, order=1),
        RubricCriterion.objects.create(name="Risiko", weight=1, order=2),
    ]


@pytest.fixture
def reviewers(users):
    return [users["office"], UserFactory(username="dosen_b", units=[])]


def assign(proposal, users, reviewers):
    services.reviewers_set(proposal=proposal, by=users["head"], reviewers=reviewers)
    return {review.reviewer_id: review for review in proposal.reviews.all()}


def score(review, rubric, values, **kwargs):
    return services.review_save(
        review=review,
        by=review.reviewer,
        scores={
            criterion.pk: value for criterion, value in zip(rubric, values, strict=True)
        },
        **kwargs,
    )


def test_the_seeded_rubric_has_the_six_default_criteria(db):
    names = list(
        RubricCriterion.objects.filter(is_active=True).values_list("name_en", flat=True)
    )

    assert names == [
        "Relevance to the institution's vision and mission",
        "Benefit to education, research and community service",
        "Partner credibility and track record",
        "Feasibility and resources",
        "Risk",
        "Fit with the needs mapping and targets",
    ]


def test_assigning_reviewers_starts_the_analysis_and_tells_them(
    make_proposal, users, reviewers
):
    proposal = make_proposal()

    assign(proposal, users, reviewers)

    proposal.refresh_from_db()
    assert proposal.status == Status.UNDER_ANALYSIS
    for reviewer in reviewers:
        assert Notification.objects.filter(
            recipient=reviewer, dedupe_key=f"proposals.review_asked:{proposal.pk}"
        ).exists()


def test_the_proposer_cannot_review_their_own_proposal(make_proposal, users):
    proposal = make_proposal()

    with pytest.raises(ValidationError):
        services.reviewers_set(
            proposal=proposal, by=users["head"], reviewers=[users["unit_a"]]
        )
    assert not Review.objects.exists()


def test_the_weighted_score_matches_a_hand_computed_example(
    make_proposal, users, reviewers, rubric
):
    # given two reviewers and two criteria weighted 3 and 1
    proposal = make_proposal()
    reviews = assign(proposal, users, reviewers)

    # when they score relevance 4 and 5, risk 3 and 2
    score(reviews[reviewers[0].pk], rubric, [4, 3])
    score(reviews[reviewers[1].pk], rubric, [5, 2])

    # then the means are 4.5 and 2.5, the weighted mean
    # (3 * 4.5 + 1 * 2.5) / 4 = 4.0, and the score (4.0 - 1) / 4 * 100 = 75
    breakdown = services.score_breakdown(proposal)
    assert [row.mean for row in breakdown.rows] == [Decimal("4.50"), Decimal("2.50")]
    assert breakdown.weighted_mean == Decimal("4.00")
    assert breakdown.score == Decimal("75.00")
    assert Proposal.objects.get(pk=proposal.pk).score == Decimal("75.00")


def test_only_the_criteria_scored_so_far_count(make_proposal, users, reviewers, rubric):
    proposal = make_proposal()
    reviews = assign(proposal, users, reviewers)

    services.review_save(
        review=reviews[reviewers[0].pk],
        by=reviewers[0],
        scores={rubric[1].pk: 5},
    )

    assert Proposal.objects.get(pk=proposal.pk).score == Decimal("100.00")


def test_all_ones_score_zero_and_all_fives_a_hundred(
    make_proposal, users, reviewers, rubric
):
    low, high = make_proposal(), make_proposal()
    score(assign(low, users, reviewers)[reviewers[0].pk], rubric, [1, 1])
    score(assign(high, users, reviewers)[reviewers[0].pk], rubric, [5, 5])

    assert Proposal.objects.get(pk=low.pk).score == Decimal("0.00")
    assert Proposal.objects.get(pk=high.pk).score == Decimal("100.00")


def test_ranked_proposals_are_best_first_unscored_last(
    make_proposal, users, reviewers, rubric
):
    weak, unscored, strong = make_proposal(), make_proposal(), make_proposal()
    make_proposal(submit=False)  # drafts are not ranked
    score(assign(weak, users, reviewers)[reviewers[0].pk], rubric, [2, 2])
    score(assign(strong, users, reviewers)[reviewers[0].pk], rubric, [5, 4])

    ranked = list(ranked_proposals(year=2026, user=users["head"]))

    assert ranked == [strong, weak, unscored]
    assert list(ranked_proposals(year=2025, user=users["head"])) == []


def test_ranking_counts_only_what_the_viewer_may_see(make_proposal, users, units):
    make_proposal()
    theirs = make_proposal(by=users["unit_b"], unit=units["jb"])

    assert list(ranked_proposals(year=2026, user=users["unit_b"])) == [theirs]


def test_a_complete_review_needs_every_criterion_and_a_recommendation(
    make_proposal, users, reviewers, rubric
):
    proposal = make_proposal()
    review = assign(proposal, users, reviewers)[reviewers[0].pk]

    with pytest.raises(ValidationError) as caught:
        services.review_save(
            review=review,
            by=reviewers[0],
            scores={rubric[0].pk: 4},
            complete=True,
        )

    assert set(caught.value.message_dict) == {
        f"criterion_{rubric[1].pk}",
        "recommendation",
    }
    assert not Score.objects.exists()  # nothing half-saved
    review.refresh_from_db()
    assert review.completed_at is None


def test_a_score_outside_one_to_five_is_refused(
    make_proposal, users, reviewers, rubric
):
    proposal = make_proposal()
    review = assign(proposal, users, reviewers)[reviewers[0].pk]

    with pytest.raises(ValidationError):
        score(review, rubric, [6, 0])

    assert not Score.objects.exists()


def test_rescoring_replaces_the_score_and_the_database_keeps_one_per_criterion(
    make_proposal, users, reviewers, rubric
):
    proposal = make_proposal()
    review = assign(proposal, users, reviewers)[reviewers[0].pk]

    score(review, rubric, [2, 2])
    score(review, rubric, [4, 4])

    assert sorted(Score.objects.values_list("value", flat=True)) == [4, 4]
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(review=review, criterion=rubric[0], value=1)


def test_the_head_is_told_when_every_review_is_complete(
    make_proposal, users, reviewers, rubric
):
    proposal = make_proposal()
    reviews = assign(proposal, users, reviewers)

    score(
        reviews[reviewers[0].pk],
        rubric,
        [4, 4],
        recommendation="approve",
        complete=True,
    )
    ready = Notification.objects.filter(
        recipient=users["head"], dedupe_key__startswith="proposals.reviewed"
    )
    assert not ready.exists()

    score(
        reviews[reviewers[1].pk], rubric, [3, 3], recommendation="revise", complete=True
    )
    assert ready.count() == 1


def test_only_the_reviewer_scores_their_review(make_proposal, users, reviewers, rubric):
    proposal = make_proposal()
    review = assign(proposal, users, reviewers)[reviewers[0].pk]

    with pytest.raises(ValidationError):
        services.review_save(review=review, by=reviewers[1], scores={})


def test_a_reviewer_taken_off_loses_their_scores(
    make_proposal, users, reviewers, rubric
):
    proposal = make_proposal()
    reviews = assign(proposal, users, reviewers)
    score(reviews[reviewers[0].pk], rubric, [5, 5])
    score(reviews[reviewers[1].pk], rubric, [1, 1])

    services.reviewers_set(
        proposal=proposal, by=users["head"], reviewers=[reviewers[0]]
    )

    assert Proposal.objects.get(pk=proposal.pk).score == Decimal("100.00")


def test_changing_the_rubric_rescores_open_proposals_only(
    make_proposal, users, reviewers, rubric
):
    open_one, decided = make_proposal(), make_proposal()
    score(assign(open_one, users, reviewers)[reviewers[0].pk], rubric, [5, 1])
    score(assign(decided, users, reviewers)[reviewers[0].pk], rubric, [5, 1])
    services.proposal_decide(proposal=decided, by=users["head"], approve=True)

    rubric[1].weight = 3
    rubric[1].save()
    services.scores_recompute()

    assert Proposal.objects.get(pk=open_one.pk).score == Decimal("50.00")
    assert Proposal.objects.get(pk=decided.pk).score == Decimal("75.00")


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: SQLite has no row locks",
)
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_scoring_at_once_lose_nothing(units, users, partner):
    # given a proposal under analysis by two reviewers (with data of its own:
    # an earlier transactional test may have emptied the seeded tables)
    from tests.proposals.conftest import complete_values

    kinds = [CooperationType.objects.create(code="k-magang", name="Magang")]
    RubricCriterion.objects.update(is_active=False)
    rubric = [RubricCriterion.objects.create(name=f"K{n}", weight=1) for n in (1, 2)]
    proposal = services.proposal_create(
        by=users["unit_a"],
        submit=True,
        **complete_values(unit=units["ja"], partner=partner, kinds=kinds),
    )
    second = UserFactory(username="dosen_c")
    services.reviewers_set(
        proposal=proposal, by=users["head"], reviewers=[users["office"], second]
    )
    reviews = list(Review.objects.filter(proposal=proposal).order_by("pk"))

    # when both save their scores from two threads at the same moment
    errors = []
    barrier = threading.Barrier(2)

    def save(review, value):
        try:
            barrier.wait(timeout=5)
            services.review_save(
                review=review,
                by=review.reviewer,
                scores={criterion.pk: value for criterion in rubric},
            )
        except Exception as error:  # recorded for the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(reviews[0], 5)),
        threading.Thread(target=save, args=(reviews[1], 3)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then both sets of scores are stored and the score counts them both
    assert errors == []
    assert Score.objects.count() == 4
    assert Proposal.objects.get(pk=proposal.pk).score == Decimal("75.00")


def test_the_analysis_page_explains_the_formula_and_shows_the_score(
    make_proposal, users, reviewers, rubric, client_for
):
    proposal = make_proposal()
    reviews = assign(proposal, users, reviewers)
    score(reviews[reviewers[0].pk], rubric, [4, 3])
    score(reviews[reviewers[1].pk], rubric, [5, 2])

    response = client_for(users["head"]).get(
        reverse("proposals:analysis", args=[proposal.pk])
    )

    content = response.content.decode()
    assert 'id="score-formula"' in content
    assert re.search(r'id="weighted-score">75[.,]00</td>', content)


def test_a_reviewer_scores_through_the_page(
    make_proposal, users, reviewers, rubric, client_for
):
    proposal = make_proposal()
    assign(proposal, users, reviewers)
    reviewer = reviewers[1]

    response = client_for(reviewer).post(
        reverse("proposals:analysis", args=[proposal.pk]),
        {
            f"review-criterion_{rubric[0].pk}": "4",
            f"review-criterion_{rubric[1].pk}": "2",
            "review-recommendation": "approve",
            "review-comment": "Layak.",
            "complete": "1",
        },
    )

    assert response.status_code == 302
    review = Review.objects.get(reviewer=reviewer)
    assert review.completed_at is not None
    assert sorted(review.scores.values_list("value", flat=True)) == [2, 4]


def test_a_reviewer_outside_the_unit_sees_the_proposal(
    make_proposal, users, units, client_for
):
    proposal = make_proposal()
    client = client_for(users["unit_b"])
    detail = reverse("proposals:detail", args=[proposal.pk])
    assert client.get(detail).status_code == 404

    services.reviewers_set(
        proposal=proposal, by=users["head"], reviewers=[users["unit_b"]]
    )

    assert client.get(detail).status_code == 200
    analysis = reverse("proposals:analysis", args=[proposal.pk])
    assert client.get(analysis).status_code == 200


def test_the_proposer_does_not_see_the_analysis(make_proposal, users, client_for):
    proposal = make_proposal()

    response = client_for(users["unit_a"]).get(
        reverse("proposals:analysis", args=[proposal.pk])
    )

    assert response.status_code == 403


def test_only_the_head_assigns_reviewers(make_proposal, users, client_for):
    proposal = make_proposal()

    for role in ("office", "unit_a", "leader"):
        response = client_for(users[role]).post(
            reverse("proposals:reviewers", args=[proposal.pk]),
            {"reviewers": [users["auditor"].pk]},
        )
        assert response.status_code == 403
    assert not Review.objects.exists()


def test_the_head_sets_the_rubric(users, client_for, rubric):
    client = client_for(users["head"])
    page = client.get(reverse("proposals:rubric"))
    formset = page.context["formset"]
    data = {
        "form-TOTAL_FORMS": str(len(formset.forms)),
        "form-INITIAL_FORMS": str(formset.initial_form_count()),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for index, form in enumerate(formset.forms):
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if name == "is_active":
                if value:
                    data[f"form-{index}-{name}"] = "on"
                continue
            data[f"form-{index}-{name}"] = (
                "" if value is None else getattr(value, "pk", value)
            )
    target = next(
        index
        for index, form in enumerate(formset.forms)
        if form.instance.pk == rubric[1].pk
    )
    data[f"form-{target}-weight"] = "5"

    response = client.post(reverse("proposals:rubric"), data)

    assert response.status_code == 302
    rubric[1].refresh_from_db()
    assert rubric[1].weight == 5


def test_others_only_read_the_rubric(users, client_for):
    response = client_for(users["office"]).post(reverse("proposals:rubric"), {})
    assert response.status_code == 403
    assert (
        client_for(users["unit_a"]).get(reverse("proposals:rubric")).status_code == 200
    )
