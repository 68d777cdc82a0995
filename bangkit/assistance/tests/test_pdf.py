"""The papers of assistance as their readers meet them: the Berita Acara Serah Terima printed for a handover of
250 starter kits and signed on every page, and a person's receipt for the cash paid into their account."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bangkit.accounts.testing import People
from bangkit.assistance import services
from bangkit.assistance.choices import SchemeKind
from bangkit.assistance.models import Entitlement, Payment, Scheme, Tranche
from bangkit.assistance.pdf import (
    handover_receipt_pdf,
    masked_account_number,
    payment_receipt_pdf,
    rupiah_in_words,
    terbilang,
)
from bangkit.assistance.testing import cash_scheme, filled_tranche, recipient
from bangkit.core.exceptions import ServiceError
from bangkit.core.testing.pdf import pdf_pages
from bangkit.registry.testing import ntt_names

pytestmark = pytest.mark.django_db

KIT = (
    ("Oven gas 2 rak", 1, "unit", 1_450_000),
    ("Mixer", 1, "unit", 650_000),
    ("Loyang kue kering", 4, "buah", 45_000),
)
KIT_VALUE = 1_450_000 + 650_000 + 4 * 45_000
DAY = date(2019, 11, 13)


def kit_scheme(people: People) -> Scheme:
    scheme = services.scheme_save(
        actor=people.kupang_program_officer,
        name="Paket peralatan usaha kue 2019, Kabupaten Kupang",
        legal_basis="Permensos No. 9 Tahun 2018",
        organisation=people.orgs.kupang_dinsos,
        region=people.regions["53.01"],
        year=2019,
        kind=SchemeKind.IN_KIND,
        budget_ceiling=1_000_000_000,
    )
    for name, quantity, unit, value in KIT:
        services.scheme_item_add(
            actor=people.kupang_program_officer,
            scheme=scheme,
            name=name,
            quantity=quantity,
            unit=unit,
            unit_value=value,
        )
    return scheme


def approved_kits(people: People, officers: tuple[Any, Any, Any], recipients: list[str]) -> Tranche:
    maker, checker, _second = officers
    for name in recipients:
        recipient(people, name, account=False)
    tranche = filled_tranche(people, maker, kit_scheme(people))
    services.tranche_submit(actor=maker, tranche=tranche)
    return services.tranche_approve(
        actor=checker, tranche=tranche, decree_number="SK.123/RSTS/XI/2019", decree_date=date(2019, 11, 12)
    )


def text_of(content: bytes) -> str:
    return "\n".join(pdf_pages(content))


def words_of(content: bytes) -> str:
    """The text as one line of words: what a table cell wraps over two lines reads as one phrase."""
    return " ".join(text_of(content).split())


# --- words --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (900_000, "sembilan ratus ribu"),
        (960_000, "sembilan ratus enam puluh ribu"),
        (225_000_000, "dua ratus dua puluh lima juta"),
        (1_000, "seribu"),
        (100, "seratus"),
        (11, "sebelas"),
        (1_100_000, "satu juta seratus ribu"),
        (2_018, "dua ribu delapan belas"),
    ],
)
def test_it_writes_amounts_in_indonesian_words(number: int, words: str) -> None:
    assert terbilang(number) == words


def test_it_writes_rupiah_in_words_and_refuses_negative_numbers() -> None:
    assert rupiah_in_words(900_000) == "sembilan ratus ribu rupiah"
    with pytest.raises(ValueError, match="negative"):
        terbilang(-1)


def test_it_shows_only_the_last_four_digits_of_an_account() -> None:
    assert masked_account_number("2012 0105 0172 14") == "**********7214"
    assert masked_account_number("123456") == "****3456"


# --- Berita Acara Serah Terima -----------------------------------------------------------------------------------


def test_the_handover_receipt_lists_250_recipients_on_numbered_pages_with_the_header_on_each(people, officers):
    recipients = ntt_names(250)
    tranche = approved_kits(people, officers, recipients)

    content = handover_receipt_pdf(tranche)

    pages = pdf_pages(content)
    assert 9 <= len(pages) <= 16
    for number, text in enumerate(pages, start=1):
        assert f"Halaman {number} dari {len(pages)}" in text
    # The recipients' table starts on the first page or the second; its header is on every page from there.
    first_table_page = next(number for number, text in enumerate(pages) if "Nama penerima" in text)
    assert first_table_page <= 1
    assert all("Nama penerima" in text and "Tanda tangan" in text for text in pages[first_table_page:-1])
    printed = "\n".join(pages)
    assert all(name in printed for name in recipients)
    positions = [printed.index(f"\n{name}\n") for name in sorted(recipients, key=str.casefold)]
    assert positions == sorted(positions)
    assert "BERITA ACARA SERAH TERIMA" in printed
    assert "Jumlah penerima: 250 orang." in printed
    total = 250 * KIT_VALUE
    assert f"Rp {total:,}".replace(",", ".") in printed  # Rp 570.000.000
    assert "lima ratus tujuh puluh juta rupiah" in printed
    # Per item: 250 ovens, 250 mixers, 1,000 trays.
    assert "Oven gas 2 rak\n250\nunit" in printed
    assert "Loyang kue kering\n1.000\nbuah" in printed
    assert "Rp 2.280.000" in printed  # one package
    assert printed.count("1 paket lengkap") == 250
    assert "SK.123/RSTS/XI/2019" in printed
    assert "Permensos No. 9 Tahun 2018" in printed
    assert "PIHAK PERTAMA" in printed
    assert "Saksi," in printed


def test_the_handover_receipt_leaves_lines_to_fill_by_hand_until_its_number_place_and_day_are_recorded(
    people, officers
):
    tranche = approved_kits(people, officers, ["Maria Goreti Bria", "Yohanes Nahak"])
    blank = text_of(handover_receipt_pdf(tranche))
    assert "Nomor: ........" in blank
    assert "Pada hari ini ......." in blank

    services.handover_receipt_save(
        actor=officers[0], tranche=tranche, number="BAST-07/DINSOS-KPG/XI/2019", place="Tarus", handed_on=DAY
    )
    recorded = text_of(handover_receipt_pdf(tranche))
    assert "Nomor: BAST-07/DINSOS-KPG/XI/2019" in recorded
    assert "Rabu tanggal tiga belas bulan November tahun dua ribu sembilan belas (13-11-2019)" in recorded
    assert "Tarus, 13 November 2019" in recorded


def test_the_handover_receipt_shows_what_each_recipient_was_handed_once_recorded(people, officers):
    tranche = approved_kits(people, officers, ["Maria Goreti Bria", "Yohanes Nahak"])
    maria = tranche.entitlements.get(person__full_name="Maria Goreti Bria")
    yohanes = tranche.entitlements.get(person__full_name="Yohanes Nahak")
    trays = tranche.scheme.items.get(name="Loyang kue kering")
    services.handover_record(actor=officers[0], tranche=tranche, entitlements=[yohanes], handed_on=DAY)
    services.handover_record(
        actor=officers[0], tranche=tranche, entitlements=[maria], handed_on=DAY, quantities={trays.pk: 2}
    )

    content = handover_receipt_pdf(tranche)
    printed, words = text_of(content), words_of(content)

    assert "Maria Goreti Bria Tarus 1 unit Oven gas 2 rak, 1 unit Mixer, 2 buah Loyang kue kering" in words
    # The whole package is written short: its items are listed once, above the recipients.
    assert "Yohanes Nahak Tarus 1 paket lengkap" in words
    assert "Loyang kue kering\n6\nbuah" in printed
    assert "Rp 4.470.000" in printed  # 2 x 2.280.000 less two trays
    # The officer who handed the packages over is named under the first party's signature.
    assert f"( {officers[0].full_name} )" in printed


def test_the_handover_receipt_is_refused_for_cash_and_never_shows_an_identifier(people, officers):
    tranche = approved_kits(people, officers, ["Maria Goreti Bria"])
    person = tranche.entitlements.get().person
    printed = text_of(handover_receipt_pdf(tranche))
    assert person.nik
    assert person.nik not in printed

    cash = filled_tranche(people, officers[0], cash_scheme(people))
    with pytest.raises(ServiceError, match="bantuan barang"):
        handover_receipt_pdf(cash)


# --- Bukti Penerimaan Bantuan --------------------------------------------------------------------------------------


def _paid(people: People, officers: tuple[Any, Any, Any], name: str) -> Entitlement:
    maker, checker, _second = officers
    recipient(people, name)
    tranche = filled_tranche(people, maker)
    services.tranche_submit(actor=maker, tranche=tranche)
    services.tranche_approve(
        actor=checker, tranche=tranche, decree_number="SK.123/RSTS/XI/2019", decree_date=date(2019, 11, 12)
    )
    services.tranche_send(actor=checker, tranche=tranche)
    entitlement = tranche.entitlements.get()
    reference = services.reference_for(entitlement.pk, 1)
    result = (
        "reference,status,amount,bank_reference,date,reason_code,reason\r\n"
        f"{reference},PAID,900000,BRI-20191120-000731,2019-11-20,,\r\n"
    )
    services.bank_result_import(actor=checker, tranche=tranche, filename="hasil.csv", content=result.encode())
    entitlement.refresh_from_db()
    return entitlement


def test_a_cash_receipt_writes_the_amount_in_words_and_only_the_last_four_digits_of_the_account(people, officers):
    entitlement = _paid(people, officers, "Maria Goreti Bria")
    payment = Payment.objects.get(entitlement=entitlement)
    digits = "".join(char for char in payment.account_number if char.isdigit())

    pages = pdf_pages(payment_receipt_pdf(entitlement))

    assert len(pages) == 1
    printed = pages[0]
    assert "BUKTI PENERIMAAN BANTUAN" in printed
    assert "Maria Goreti Bria" in printed
    assert "Bantuan stimulan usaha KPO 2019, Kabupaten Kupang" in printed
    assert "Rp 900.000" in printed
    assert "sembilan ratus ribu rupiah" in printed
    assert "*" * (len(digits) - 4) + digits[-4:] in printed
    assert digits not in printed
    assert digits[:-4] not in printed
    assert "BRI-20191120-000731" in printed
    assert "20 November 2019" in printed
    assert "Nomor SK.123/RSTS/XI/2019 tanggal 12 November 2019" in printed
    assert "Halaman 1 dari 1" in printed
    nik = entitlement.person.nik
    assert nik
    assert nik not in printed


def test_an_in_kind_receipt_lists_the_items_handed_and_their_day(people, officers):
    tranche = approved_kits(people, officers, ["Yohanes Nahak"])
    entitlement = tranche.entitlements.get()
    services.handover_receipt_save(actor=officers[0], tranche=tranche, number="BAST-07", place="Tarus", handed_on=DAY)
    services.handover_record(actor=officers[0], tranche=tranche, entitlements=[entitlement], handed_on=DAY)

    printed = text_of(payment_receipt_pdf(entitlement))

    assert "Yohanes Nahak" in printed
    assert "Oven gas 2 rak" in printed
    assert "Loyang kue kering\n4\nbuah" in printed
    assert "13 November 2019" in printed
    assert "BAST-07" in printed
    assert "Rp 2.280.000" in printed
    assert "dua juta dua ratus delapan puluh ribu rupiah" in printed


def test_no_receipt_is_printed_before_anything_was_received(people, officers):
    tranche = approved_kits(people, officers, ["Yohanes Nahak"])
    with pytest.raises(ServiceError, match="setelah bantuan dibayar"):
        payment_receipt_pdf(tranche.entitlements.get())
