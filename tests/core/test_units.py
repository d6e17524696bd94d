"""The reporting currency is read from the document, never assumed."""
from iijdesk.core.units import UNKNOWN, DocUnits, currency_of
from tests.conftest import release


def test_sample_releases_report_in_yen():
    for prefix in ("000", "001", "004"):
        assert DocUnits.read(release(prefix).read_text(encoding="utf-8")).currency == "JPY"


def test_dollar_and_euro_documents():
    assert DocUnits.read("(in millions of dollars)\nRevenue $1,234 $1,100").currency == "USD"
    assert DocUnits.read("(in thousands of euros)\nRevenue €1,234\nNet €12").currency == "EUR"


def test_a_document_that_names_no_currency_is_unknown():
    assert DocUnits.read("Units shipped 1,234 1,100\nStores 44 40").currency == UNKNOWN


def test_canadian_dollars_are_not_us_dollars():
    assert currency_of("Canadian dollars") == "CAD"
    assert currency_of("U.S. Dollars") == "USD"
    assert currency_of("JPY millions") == "JPY"
    assert currency_of("Three months ended") is None
