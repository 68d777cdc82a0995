"""Printable documents of assistance (ReportLab, A4, built-in fonts, the page furniture of `core.pdf`):

- the *Berita Acara Serah Terima* (BAST) of an in-kind tranche: printed for the handover, signed there on paper by
  every recipient, the officer handing over and a witness, then scanned and attached to the tranche;
- a person's *Bukti Penerimaan Bantuan*: what they received under one scheme, for their file.

Both are legal papers of an Indonesian office, handed to Indonesian recipients, so both are printed in Indonesian
whoever prints them. They hold what the paper needs and no more: names and villages, never a NIK, a phone number or
a birth date; an account number only as its last four digits.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from babel.dates import format_date
from babel.numbers import format_decimal
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from num2words import num2words
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from bangkit.assistance.choices import EntitlementState, PaymentOutcome, SchemeKind
from bangkit.assistance.models import Entitlement, Handover, HandoverReceipt, Payment, SchemeItem, Tranche
from bangkit.core.exceptions import ServiceError
from bangkit.core.formatting import rupiah
from bangkit.core.pdf import (
    FRAME_WIDTH,
    HEADER_GREY,
    Styles,
    a4_document,
    canvas_with_footer,
    latin1,
    paragraph,
    signature_cells,
    signature_list,
    text_styles,
)
from bangkit.regions.models import Region, RegionLevel, ancestor_codes

# The language of the papers handed to recipients and signed by them.
RECEIPT_LANGUAGE = "id"
_LOCALE = "id"

# A blank to fill by hand on the printed paper.
_BLANK = "." * 40


# --- words ------------------------------------------------------------------------------------------------------


def terbilang(number: int) -> str:
    """A whole number in Indonesian words, as written on receipts: 900000 → `sembilan ratus ribu`."""
    if number < 0:
        raise ValueError("terbilang: a negative number")
    return str(num2words(int(number), lang="id"))


def rupiah_in_words(amount: int) -> str:
    """`sembilan ratus ribu rupiah`: the amount a receipt writes out in words besides the figures."""
    return f"{terbilang(amount)} rupiah"


def masked_account_number(number: str) -> str:
    """Every digit but the last four hidden: `**********1234`."""
    digits = "".join(char for char in number if char.isdigit())
    return "*" * max(len(digits) - 4, 4) + digits[-4:]


def _day(day: date) -> str:
    return format_date(day, "d MMMM y", locale=_LOCALE)


def _formal_day(day: date) -> str:
    """How a Berita Acara opens: `Selasa, tanggal sepuluh bulan April tahun dua ribu delapan belas (10-04-2018)`."""
    return _("%(weekday)s tanggal %(day)s bulan %(month)s tahun %(year)s (%(date)s)") % {
        "weekday": format_date(day, "EEEE", locale=_LOCALE),
        "day": terbilang(day.day),
        "month": format_date(day, "MMMM", locale=_LOCALE),
        "year": terbilang(day.year),
        "date": day.strftime("%d-%m-%Y"),
    }


def _decree(tranche: Tranche) -> str:
    if not tranche.decree_number:
        return "-"
    when = _day(tranche.decree_date) if tranche.decree_date else _BLANK
    return _("Nomor %(number)s tanggal %(date)s") % {"number": tranche.decree_number, "date": when}


def _place(region: Region) -> str:
    """`Desa/Kel. Mundakjaya, Kec. Cikedung, Kabupaten Indramayu`: where a recipient lives."""
    names = {row.level: row.name for row in Region.objects.filter(code__in=ancestor_codes(region.code))}
    parts = []
    if RegionLevel.VILLAGE in names:
        parts.append(_("Desa/Kel. %(name)s") % {"name": names[RegionLevel.VILLAGE]})
    if RegionLevel.DISTRICT in names:
        parts.append(_("Kec. %(name)s") % {"name": names[RegionLevel.DISTRICT]})
    if RegionLevel.REGENCY in names:
        parts.append(names[RegionLevel.REGENCY])
    return ", ".join(parts) or region.name


# --- shared pieces ----------------------------------------------------------------------------------------------


def _facts(rows: list[tuple[str, Any]], styles: Styles, label_width: float = 38 * mm) -> Table:
    table = Table(
        [
            [paragraph(label, styles.bold), value if isinstance(value, Paragraph) else paragraph(value, styles.body)]
            for label, value in rows
        ],
        colWidths=[label_width, FRAME_WIDTH - label_width],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return table


def _grid(
    header: list[str],
    rows: list[list[Any]],
    widths: list[float],
    styles: Styles,
    *,
    right: tuple[int, ...] = (),
    total_row: bool = False,
) -> Table:
    """A ruled table under a grey header row (repeated on every page); the columns in `right` hold figures and
    are aligned right, their headings too; a last total row has its label span all but the last column."""
    right_bold = ParagraphStyle("bold-right", parent=styles.bold, alignment=TA_RIGHT)
    head = [paragraph(text, right_bold if column in right else styles.bold) for column, text in enumerate(header)]
    table = Table([head, *rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_GREY),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
    ]
    style += [("ALIGN", (column, 1), (column, -1), "RIGHT") for column in right]
    if total_row:
        style += [
            ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 9),
            ("SPAN", (0, -1), (-2, -1)),
            ("ALIGN", (0, -1), (0, -1), "RIGHT"),
        ]
    table.setStyle(TableStyle(style))
    return table


def _count(number: int) -> str:
    """`1.000`: a quantity grouped as Indonesians write it."""
    return format_decimal(number, locale=_LOCALE)


def _signature_block(
    heading: tuple[str, str], organisation: str, name: str, styles: Styles, *, officer: bool = True
) -> list[Any]:
    """Who signs: their part (two lines), their office, room to sign, their name (or a blank) and, for an officer,
    a line for the NIP. Every block has the same lines, empty or not, so that blocks side by side line up."""
    centred = ParagraphStyle("signature", parent=styles.body, alignment=1)
    bold = ParagraphStyle("signature-bold", parent=styles.bold, alignment=1)
    empty = "\u00a0"  # a line's height, with nothing on it
    first, second = heading
    return [
        paragraph(first or empty, bold),
        paragraph(second or empty, centred),
        paragraph(organisation or empty, centred),
        Spacer(1, 20 * mm),
        paragraph(f"( {name} )" if name else "(" + "." * 50 + ")", centred),
        paragraph(_("NIP/Jabatan: %(blank)s") % {"blank": "." * 30} if officer else empty, centred),
    ]


def _side_by_side(left: list[Any], right: list[Any]) -> Table:
    """Two signature blocks next to each other, line by line, so that their signing lines are level even when one
    office's name runs over two lines."""
    table = Table([list(pair) for pair in zip(left, right, strict=True)], colWidths=[FRAME_WIDTH / 2, FRAME_WIDTH / 2])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _build(story: list[Any], title: str, footer: str) -> bytes:
    buffer = io.BytesIO()
    a4_document(buffer, title).build(story, canvasmaker=canvas_with_footer(footer))
    return buffer.getvalue()


# --- Berita Acara Serah Terima ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandedItem:
    item_id: int
    name: str
    unit: str
    quantity: int
    unit_value: int


@dataclass(frozen=True)
class HandoverRow:
    """One recipient's line on the Berita Acara: what they were handed (or are to be handed) of the package."""

    name: str
    village: str
    items: tuple[HandedItem, ...]
    handed: bool
    whole_package: bool  # the items are the scheme's package, neither less nor more

    @property
    def value(self) -> int:
        return sum(item.quantity * item.unit_value for item in self.items)


def _items_text(row: HandoverRow) -> str:
    """`1 paket lengkap` for the whole package (its items are listed above the table), else each item handed."""
    if row.whole_package:
        return _("1 paket lengkap")
    return ", ".join(f"{_count(item.quantity)} {item.unit} {item.name}" for item in row.items)


def handover_rows(tranche: Tranche) -> list[HandoverRow]:
    """The recipients of the tranche (not cancelled) by name, each with the items of their recorded handover, or
    the whole package while none is recorded. Loads names and villages only: no identifier is read."""
    package = [
        HandedItem(item.pk, item.name, item.unit, item.quantity, item.unit_value)
        for item in SchemeItem.objects.filter(scheme_id=tranche.scheme_id).order_by("id")
    ]
    order = {item.item_id: position for position, item in enumerate(package)}
    handed: dict[int, list[HandedItem]] = defaultdict(list)
    handovers = Handover.objects.filter(entitlement__tranche=tranche).prefetch_related("lines__item")
    for handover in handovers:
        for line in handover.lines.all():
            handed[handover.entitlement_id].append(
                HandedItem(line.item_id, line.item.name, line.item.unit, line.quantity, line.item.unit_value)
            )
    entitlements = (
        tranche.entitlements.exclude(state=EntitlementState.CANCELLED)
        .select_related("person__region")
        .only("id", "person__full_name", "person__region__name")
    )
    rows = []
    for entry in entitlements:
        items = (
            tuple(sorted(handed[entry.pk], key=lambda item: order.get(item.item_id, 0)))
            if entry.pk in handed
            else tuple(package)
        )
        rows.append(
            HandoverRow(
                name=entry.person.full_name,
                village=entry.person.region.name,
                items=items,
                handed=entry.pk in handed,
                whole_package=items == tuple(package),
            )
        )
    # Sorted here, not by the database, so that SQLite and PostgreSQL (whose collations differ) print the same order.
    return sorted(rows, key=lambda row: (row.name.casefold(), row.village.casefold()))


def _package_table(tranche: Tranche, styles: Styles) -> Table:
    header = [pgettext("row number", "No"), _("Barang"), _("Jumlah"), _("Satuan"), _("Harga satuan"), _("Nilai")]
    rows: list[list[Any]] = []
    total = 0
    for number, item in enumerate(tranche.scheme.items.order_by("id"), start=1):
        value = item.quantity * item.unit_value
        total += value
        rows.append(
            [
                str(number),
                paragraph(item.name, styles.body),
                _count(item.quantity),
                latin1(item.unit),
                rupiah(item.unit_value),
                rupiah(value),
            ]
        )
    rows.append([_("Nilai satu paket"), "", "", "", "", rupiah(total)])
    widths = [9 * mm, 71 * mm, 16 * mm, 20 * mm, 30 * mm, 30 * mm]
    return _grid(header, rows, widths, styles, right=(0, 2, 4, 5), total_row=True)


def _recipients_table(rows: list[HandoverRow], styles: Styles) -> Table:
    """No, name, village, items received and a signature column whose numbers alternate left and right, as paper
    lists do so that neighbours' signatures do not collide; the header row repeats on every page."""
    cell = ParagraphStyle("cell", parent=styles.body, fontSize=9, leading=10.5)
    small = ParagraphStyle("cell-small", parent=styles.body, fontSize=7.5, leading=9)
    header = [pgettext("row number", "No"), _("Nama penerima"), _("Desa/Kelurahan"), _("Barang diterima")]
    table_rows: list[list[Any]] = [
        [*(paragraph(text, styles.bold) for text in header), paragraph(_("Tanda tangan"), styles.bold), ""]
    ]
    for number, row in enumerate(rows, start=1):
        table_rows.append(
            [
                str(number),
                Paragraph(escape(latin1(row.name)), cell),
                Paragraph(escape(latin1(row.village)), cell),
                Paragraph(escape(latin1(_items_text(row))), small),
                *signature_cells(number),
            ]
        )
    return signature_list(table_rows, [10 * mm, 50 * mm, 32 * mm, 48 * mm, 18 * mm, 18 * mm], padding=6)


def _totals_table(rows: list[HandoverRow], styles: Styles) -> Table:
    """Per item, how many are handed over in all and their value; then the recipients and the grand total."""
    quantities: dict[int, int] = defaultdict(int)
    described: dict[int, HandedItem] = {}
    for row in rows:
        for item in row.items:
            quantities[item.item_id] += item.quantity
            described.setdefault(item.item_id, item)
    header = [_("Barang"), _("Jumlah"), _("Satuan"), _("Harga satuan"), _("Nilai")]
    table_rows: list[list[Any]] = []
    total = 0
    for item_id, item in described.items():
        value = quantities[item_id] * item.unit_value
        total += value
        table_rows.append(
            [
                paragraph(item.name, styles.body),
                _count(quantities[item_id]),
                latin1(item.unit),
                rupiah(item.unit_value),
                rupiah(value),
            ]
        )
    table_rows.append([_("Nilai seluruhnya"), "", "", "", rupiah(total)])
    widths = [80 * mm, 16 * mm, 20 * mm, 30 * mm, 30 * mm]
    return _grid(header, table_rows, widths, styles, right=(1, 3, 4), total_row=True)


def handover_receipt_pdf(tranche: Tranche) -> bytes:
    """The Berita Acara Serah Terima of an in-kind tranche, to print for the handover and sign: its number, place and
    day as recorded (blank lines to fill by hand while they are not), the scheme, its legal basis and decree, the
    package, a signature row per recipient, the totals, and the signatures of the officer handing over and a witness;
    "Halaman X dari Y" on every page."""
    tranche = Tranche.objects.select_related("scheme__organisation", "scheme__region").get(pk=tranche.pk)
    scheme = tranche.scheme
    if scheme.kind != SchemeKind.IN_KIND:
        raise ServiceError(_("Berita acara serah terima hanya untuk bantuan barang."))
    receipt = HandoverReceipt.objects.filter(tranche=tranche).first()
    with translation.override(RECEIPT_LANGUAGE):
        styles = text_styles()
        rows = handover_rows(tranche)
        officers = sorted(
            {
                name
                for name in Handover.objects.filter(entitlement__tranche=tranche)
                .values_list("officer__full_name", flat=True)
                .distinct()
                if name
            }
        )
        number = receipt.number if receipt else _BLANK
        subtitle = ParagraphStyle("subtitle", parent=styles.centred, fontName="Helvetica-Bold", fontSize=11)
        centred = ParagraphStyle("number", parent=styles.centred, fontSize=10)
        justified = ParagraphStyle("opening", parent=styles.body, fontSize=9.5, leading=13, alignment=4)
        if receipt is not None:
            when = _formal_day(receipt.handed_on)
            where = receipt.place
        else:
            when = _("%(weekday)s tanggal %(day)s bulan %(month)s tahun %(year)s") % {
                "weekday": "." * 15,
                "day": "." * 15,
                "month": "." * 15,
                "year": "." * 25,
            }
            where = "." * 60
        opening = _(
            "Pada hari ini %(when)s, bertempat di %(where)s, telah dilakukan serah terima bantuan %(scheme)s "
            "tahap %(tranche)d dari %(organisation)s, selanjutnya disebut PIHAK PERTAMA, kepada para penerima "
            "bantuan yang nama dan tanda tangannya tercantum dalam daftar di bawah ini, selanjutnya disebut PIHAK "
            "KEDUA."
        ) % {
            "when": when,
            "where": where,
            "scheme": scheme.name,
            "tranche": tranche.number,
            "organisation": scheme.organisation.name,
        }
        statement = _(
            "PIHAK KEDUA menyatakan telah menerima barang bantuan tersebut dalam keadaan baik dan lengkap, dan akan "
            "menggunakannya untuk usaha ekonomi produktif. Berita acara ini dibuat dengan sebenarnya untuk "
            "dipergunakan sebagaimana mestinya."
        )
        facts = _facts(
            [
                (_("Skema bantuan"), scheme.name),
                (_("Penyelenggara"), scheme.organisation.name),
                (_("Wilayah"), scheme.region.name),
                (_("Dasar hukum"), scheme.legal_basis),
                (_("SK penerima"), _decree(tranche)),
                (pgettext("tranche", "Tahap"), str(tranche.number)),
            ],
            styles,
        )
        place_line = f"{receipt.place}, {_day(receipt.handed_on)}" if receipt is not None else f"{'.' * 30}, {'.' * 30}"
        signatures = _side_by_side(
            _signature_block((_("Saksi,"), ""), "", "", styles),
            _signature_block(
                (_("PIHAK PERTAMA"), _("Yang menyerahkan,")), scheme.organisation.name, ", ".join(officers), styles
            ),
        )
        right = ParagraphStyle("right", parent=styles.body, alignment=TA_RIGHT)
        totals_line = _(
            "Jumlah penerima: %(count)d orang. Nilai barang yang diserahkan seluruhnya %(total)s (%(words)s)."
        ) % {
            "count": len(rows),
            "total": rupiah(sum(row.value for row in rows)),
            "words": rupiah_in_words(sum(row.value for row in rows)),
        }
        story: list[Any] = [
            paragraph(_("BERITA ACARA SERAH TERIMA"), styles.title),
            paragraph(_("BANTUAN STIMULAN USAHA DALAM BENTUK BARANG"), subtitle),
            Spacer(1, 1.5 * mm),
            paragraph(_("Nomor: %(number)s") % {"number": number}, centred),
            Spacer(1, 5 * mm),
            paragraph(opening, justified),
            Spacer(1, 3 * mm),
            facts,
            paragraph(_("Isi satu paket bantuan"), styles.heading),
            _package_table(tranche, styles),
            paragraph(_("Daftar penerima"), styles.heading),
            _recipients_table(rows, styles) if rows else paragraph(_("Tahap ini belum berisi penerima."), styles.body),
            KeepTogether(
                [
                    paragraph(_("Jumlah"), styles.heading),
                    _totals_table(rows, styles),
                    Spacer(1, 2 * mm),
                    paragraph(totals_line, styles.body),
                ]
            ),
            Spacer(1, 3 * mm),
            paragraph(statement, justified),
            Spacer(1, 5 * mm),
            KeepTogether([paragraph(place_line, right), Spacer(1, 3 * mm), signatures]),
        ]
        title = _("Berita Acara Serah Terima %(number)s") % {"number": receipt.number if receipt else ""}
        footer = _("Berita acara serah terima · %(scheme)s, tahap %(tranche)d") % {
            "scheme": scheme.name,
            "tranche": tranche.number,
        }
        return _build(story, title.strip(), footer)


# --- Bukti Penerimaan Bantuan -------------------------------------------------------------------------------------


def payment_receipt_pdf(entitlement: Entitlement) -> bytes:
    """One person's receipt for what they received under a scheme: a cash payment the bank confirmed (amount in
    figures and words, bank, the account's last four digits, the bank's reference, the day) or an in-kind package
    handed over (items and day). Refused while nothing was received."""
    entry = (
        Entitlement.objects.select_related("scheme__organisation", "tranche", "person__region")
        .only(
            *(field.name for field in Entitlement._meta.concrete_fields),
            "scheme__name",
            "scheme__kind",
            "scheme__legal_basis",
            "scheme__organisation__name",
            "tranche__number",
            "tranche__decree_number",
            "tranche__decree_date",
            "person__full_name",
            "person__region__code",
            "person__region__name",
        )
        .get(pk=entitlement.pk)
    )
    scheme, tranche = entry.scheme, entry.tranche
    if entry.state != EntitlementState.PAID or entry.paid_on is None:
        raise ServiceError(_("Bukti penerimaan dicetak setelah bantuan dibayar atau diserahkan."))
    with translation.override(RECEIPT_LANGUAGE):
        styles = text_styles()
        words = ParagraphStyle("words", parent=styles.body, fontName="Helvetica-Oblique")
        rows: list[tuple[str, Any]] = [
            (_("Nama penerima"), entry.person.full_name),
            (_("Alamat"), _place(entry.person.region)),
            (_("Skema bantuan"), scheme.name),
            (_("Penyelenggara"), scheme.organisation.name),
            (_("Dasar hukum"), scheme.legal_basis),
            (pgettext("tranche", "Tahap"), str(tranche.number)),
            (_("SK penerima"), _decree(tranche)),
        ]
        details: list[Any] = []
        if scheme.kind == SchemeKind.CASH:
            payment = (
                Payment.objects.filter(entitlement=entry, outcome=PaymentOutcome.PAID)
                .select_related("bank_file__bank")
                .first()
            )
            if payment is None:
                raise ServiceError(_("Pembayaran ini belum tercatat dibayar oleh bank."))
            bank = payment.bank_file.bank
            rows += [
                (_("Jumlah diterima"), paragraph(rupiah(payment.amount), styles.bold)),
                (_("Terbilang"), paragraph(rupiah_in_words(payment.amount), words)),
                (_("Cara pembayaran"), _("Transfer ke rekening penerima")),
                (_("Bank"), f"{bank.short_name} ({bank.name})"),
                (_("Nomor rekening"), masked_account_number(payment.account_number)),
                (_("Referensi pembayaran"), payment.reference),
                (_("Referensi bank"), payment.bank_reference),
                (_("Tanggal pembayaran"), _day(payment.settled_on or entry.paid_on)),
            ]
            if payment.attempt > 1:
                rows.append(
                    (_("Keterangan"), _("Dibayar pada pengiriman ke-%(attempt)d") % {"attempt": payment.attempt})
                )
            kind = _("bantuan uang")
        else:
            handover = (
                Handover.objects.filter(entitlement=entry)
                .select_related("officer")
                .prefetch_related("lines__item")
                .first()
            )
            if handover is None:
                raise ServiceError(_("Serah terima paket ini belum dicatat."))
            receipt = HandoverReceipt.objects.filter(tranche=tranche).first()
            value = sum(line.quantity * line.item.unit_value for line in handover.lines.all())
            rows += [
                (_("Tanggal serah terima"), _day(handover.handed_on)),
                (_("Berita acara"), receipt.number if receipt else "-"),
                (_("Nilai barang"), paragraph(rupiah(value), styles.bold)),
                (_("Terbilang"), paragraph(rupiah_in_words(value), words)),
            ]
            item_rows: list[list[Any]] = []
            for line in sorted(handover.lines.all(), key=lambda line: line.item_id):
                item_rows.append(
                    [
                        paragraph(line.item.name, styles.body),
                        _count(line.quantity),
                        latin1(line.item.unit),
                        rupiah(line.quantity * line.item.unit_value),
                    ]
                )
            details = [
                paragraph(_("Barang yang diterima"), styles.heading),
                _grid(
                    [_("Barang"), _("Jumlah"), _("Satuan"), _("Nilai")],
                    item_rows,
                    [96 * mm, 20 * mm, 25 * mm, 35 * mm],
                    styles,
                    right=(1, 3),
                ),
            ]
            kind = _("bantuan barang")
        statement = _(
            "Yang bertanda tangan di bawah ini menyatakan telah menerima %(kind)s tersebut di atas dari "
            "%(organisation)s."
        ) % {"kind": kind, "organisation": scheme.organisation.name}
        signatures = _side_by_side(
            _signature_block((_("Petugas,"), ""), scheme.organisation.name, "", styles),
            _signature_block((_("Yang menerima,"), ""), "", entry.person.full_name, styles, officer=False),
        )
        printed = _("Dicetak dari Bangkit pada %(date)s.") % {"date": _day(timezone.localdate())}
        story: list[Any] = [
            paragraph(_("BUKTI PENERIMAAN BANTUAN"), styles.title),
            Spacer(1, 6 * mm),
            _facts(rows, styles, label_width=42 * mm),
            *details,
            Spacer(1, 6 * mm),
            paragraph(statement, styles.body),
            Spacer(1, 6 * mm),
            KeepTogether([signatures]),
            Spacer(1, 8 * mm),
            paragraph(printed, styles.small),
        ]
        footer = _("Bukti penerimaan bantuan · %(scheme)s") % {"scheme": scheme.name}
        return _build(story, footer, footer)
