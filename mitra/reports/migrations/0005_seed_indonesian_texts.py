"""Give the seeded indicators and rule sets their Indonesian texts.

The indicators are the institution's own and were written in Indonesian
(the source procedure quotes them); migration 0002 seeded a reading in
English. The Indonesian text becomes the statement (the interface's
default language) and the English reading moves to `statement_en`; the
same for how each is measured and for the rule sets' descriptions.

A text the office has already changed is left as it is: only a text still
equal to the English seed is replaced.

The statements follow the source procedure word for word, except that the
institution's name reads "institusi" (as the English reading says "the
institution"), the footnote marks of the PDF are dropped, and the letter
"c." of B.1.2.6.16.c (the third of the rights a graduate has) is folded
into its sentence.
"""

import importlib

from django.db import migrations

SEED = importlib.import_module(
    "mitra.reports.migrations.0002_seed_indicators_rule_sets"
)

INDICATORS = {
    # code: (statement, measure), in Indonesian
    "B.1.2.5.8": (
        "Institusi melalui Tim Kerjasama dan Jurusan menindaklanjuti proses "
        "pembelajaran di luar prodi, sebagaimana dimaksud pada pernyataan "
        "standar no (7) huruf b, c, dan d dilaksanakan berdasarkan perjanjian "
        "kerjasama antara institusi dengan PT atau lembaga lain yang terkait "
        "dan hasil pembelajaran diakui melalui mekanisme transfer SKS atau "
        "bentuk pengakuan SKS lainnya.",
        "Per program studi dan tahun: dokumen kerja sama dan kegiatan tempat "
        "mahasiswa belajar di luar program studinya, serta jumlah mahasiswa "
        "yang SKS-nya diakui (kegiatan dengan mahasiswa yang SKS-nya diakui, "
        "atau kegiatan berbentuk transfer kredit).",
    ),
    "B.1.2.6.16.c": (
        "Mahasiswa yang dinyatakan lulus berhak memperoleh sertifikat "
        "kompetensi (bagi lulusan program pendidikan sesuai dengan keahlian "
        "dalam cabang ilmunya dan/atau memiliki prestasi di luar prodinya) "
        "yang diterbitkan oleh institusi bekerjasama dengan organisasi "
        "profesi, lembaga pelatihan, atau lembaga sertifikasi yang "
        "terakreditasi.",
        "Per program studi dan tahun: sertifikat yang diterbitkan berdasarkan "
        "perjanjian kerja sama dengan organisasi profesi, lembaga pelatihan, "
        "atau lembaga sertifikasi, beserta kegiatan dan dokumen kerja sama "
        "yang mendasarinya.",
    ),
    "B.1.2.9.1": (
        "Institusi melalui Tim Kerjasama memiliki dokumen formal kebijakan "
        "dan prosedur, yang komprehensif, rinci, terkini, dan mudah diakses "
        "oleh pemangku kepentingan, tentang pengembangan jejaring dan "
        "kemitraan (dalam dan luar negeri) tetapi tidak terbatas pada "
        "inisiasi, pelaksanaan, pemantauan, evaluasi kerjasama dan evaluasi "
        "kepuasan mitra kerjasama.",
        "Tahap mana saja di antara inisiasi, pelaksanaan, pemantauan, "
        "evaluasi, dan evaluasi kepuasan mitra yang dicakup oleh dokumen "
        "kebijakan, prosedur, atau formulir yang berlaku di pustaka dokumen.",
    ),
    "B.1.2.9.2": (
        "Institusi melalui Tim Kerjasama memiliki dokumen perencanaan "
        "pengembangan jejaring dan kemitraan yang sahih dan terarah guna "
        "mencapai visi, misi, dan tujuan strategis institusi.",
        "Untuk tahun tersebut: program kerja sama tahunan yang disetujui, "
        "target tahunan, dan rencana strategis kerja sama yang disetujui yang "
        "mencakup tahun tersebut.",
    ),
    "B.1.2.9.3": (
        "Institusi melalui Tim Kerjasama memiliki jejaring dan mitra "
        "kerjasama yang relevan dengan VMTS dan bermanfaat bagi pengembangan "
        "tridharma institusi yang mencakup kerjasama lokal/wilayah, nasional "
        "dan internasional.",
        "Mitra dan dokumen kerja sama yang berlaku selama tahun tersebut "
        "menurut tingkat (lokal/wilayah, nasional, internasional) dan bidang "
        "tridharma, masing-masing dengan catatan relevansinya terhadap visi "
        "institusi.",
    ),
}

RULE_SETS = {
    "iku6-2021": (
        "Persentase program studi (S1, D4, D3) yang memiliki sedikitnya satu "
        "kerja sama yang berlaku selama tahun tersebut dengan mitra dalam "
        "salah satu dari 13 kategori, dalam salah satu dari 10 bentuk kerja "
        "sama."
    ),
    "iku31-2023": (
        "Setiap MoA/PKS atau IA tingkat program studi (S1, D4, D3, D2, D1) "
        "dihitung dengan bobot kategori mitranya; bobot dijumlahkan untuk "
        "seluruh program studi lalu dibagi dengan jumlah program studi. MoU "
        "tidak pernah dihitung."
    ),
    "iku5-2025": (
        "Persentase kerja sama dengan industri yang memiliki luaran tercatat "
        "(produk, prototipe, paten, publikasi, kurikulum, hilirisasi): secara "
        "bawaan, kerja sama dengan industri yang memiliki luaran ÷ seluruh "
        "kerja sama dengan industri × 100."
    ),
}


def _english_seeds():
    indicators = {
        code: (statement, measure)
        for code, _calculation, statement, measure, _types, _kinds in SEED.INDICATORS
    }
    rule_sets = {data["code"]: data["description"] for data in SEED.RULE_SETS}
    return indicators, rule_sets


def _swap(row, field, english_field, english, indonesian):
    """Put `indonesian` in `field` and `english` beside it, if `field` still
    holds the English seed; return whether the row changed."""
    if getattr(row, field) != english or getattr(row, english_field):
        return False
    setattr(row, field, indonesian)
    setattr(row, english_field, english)
    return True


def seed(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    RuleSet = apps.get_model("reports", "RuleSet")
    english_indicators, english_rule_sets = _english_seeds()

    for indicator in Indicator.objects.filter(code__in=INDICATORS, year=2020):
        statement, measure = INDICATORS[indicator.code]
        english_statement, english_measure = english_indicators[indicator.code]
        changed = _swap(
            indicator, "statement", "statement_en", english_statement, statement
        )
        changed |= _swap(indicator, "measure", "measure_en", english_measure, measure)
        if changed:
            indicator.save(
                update_fields=["statement", "statement_en", "measure", "measure_en"]
            )

    for rule_set in RuleSet.objects.filter(code__in=RULE_SETS):
        if _swap(
            rule_set,
            "description",
            "description_en",
            english_rule_sets[rule_set.code],
            RULE_SETS[rule_set.code],
        ):
            rule_set.save(update_fields=["description", "description_en"])


def unseed(apps, schema_editor):
    """Put the English seed back where it was, for texts still as seeded."""
    Indicator = apps.get_model("reports", "Indicator")
    RuleSet = apps.get_model("reports", "RuleSet")
    english_indicators, english_rule_sets = _english_seeds()

    for indicator in Indicator.objects.filter(code__in=INDICATORS, year=2020):
        statement, measure = INDICATORS[indicator.code]
        english_statement, english_measure = english_indicators[indicator.code]
        if (indicator.statement, indicator.statement_en) == (
            statement,
            english_statement,
        ):
            indicator.statement, indicator.statement_en = english_statement, ""
        if (indicator.measure, indicator.measure_en) == (measure, english_measure):
            indicator.measure, indicator.measure_en = english_measure, ""
        indicator.save(
            update_fields=["statement", "statement_en", "measure", "measure_en"]
        )

    for rule_set in RuleSet.objects.filter(code__in=RULE_SETS):
        english = english_rule_sets[rule_set.code]
        if (rule_set.description, rule_set.description_en) == (
            RULE_SETS[rule_set.code],
            english,
        ):
            rule_set.description, rule_set.description_en = english, ""
            rule_set.save(update_fields=["description", "description_en"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_indicator_rule_set_english")]
    operations = [migrations.RunPython(seed, unseed)]
