import io
import docx, pypdf
from mitra.documents import services
from tests.factories import AgreementFactory, ActivityFactory

def test_smoke(users, units):
    a = AgreementFactory(units=[units["ja"]], our_signatory_name="Budi", partner_signatory_name="Siti & Co")
    ActivityFactory(agreement=a)
    ctx = services.form_context("agreement_summary", a, user=users["office"])
    d = services.render_docx(form="agreement_summary", context=ctx)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(d)).paragraphs)
    for t in docx.Document(io.BytesIO(d)).tables:
        for r in t.rows:
            text += "|".join(c.text for c in r.cells) + "\n"
    print(text)
    p = services.render_pdf(form="agreement_summary", context=ctx)
    open("/tmp/smoke.pdf","wb").write(p); open("/tmp/smoke.docx","wb").write(d)
    print(pypdf.PdfReader(io.BytesIO(p)).pages[0].extract_text())
