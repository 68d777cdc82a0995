"""Printable documents of an event (ReportLab, A4, built-in fonts): the attendance list (*daftar hadir*) of a
session, the certificates, and the event report.

The attendance list goes to the venue and the certificates to the participants, so both are printed in Indonesian
whoever prints them; the report is for staff and follows the reader's language. The attendance list holds what a
signature sheet needs and no more: name, village and sex — never a NIK, a phone number or a birth date.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from babel.dates import format_date
from babel.numbers import format_decimal
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from bangkit.core.pdf import (
    FRAME_WIDTH,
    INK,
    Styles,
    a4_document,
    canvas_with_footer,
    latin1,
    paragraph,
    shortened,
    signature_cells,
    signature_list,
    text_styles,
)
from bangkit.programs.choices import EnrolmentState
from bangkit.programs.models import Certificate, Enrolment, Event, EventModule, EventSession
from bangkit.programs.selectors import EventReport
from bangkit.regions.models import Region, RegionLevel, ancestor_codes
from bangkit.regions.timezones import WIB, WIT, WITA, province_time_zone
from bangkit.registry.choices import Sex

# The language of what is handed out at the venue.
VENUE_LANGUAGE = "id"

_ZONE_NAMES = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}

# --- words of an event -----------------------------------------------------------------------------------------


def _locale() -> str:
    return translation.to_locale(translation.get_language() or VENUE_LANGUAGE)


def long_date(day: date) -> str:
    """`Rabu, 13 November 2019` in the active language."""
    return format_date(day, format="full", locale=_locale())


def date_range(start: date, end: date) -> str:
    """`13 November 2019`, `9-10 April 2018`, `30 April - 2 Mei 2018`."""
    locale = _locale()
    if start == end:
        return format_date(start, "d MMMM y", locale=locale)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}-{format_date(end, 'd MMMM y', locale=locale)}"
    first = format_date(start, "d MMMM" if start.year == end.year else "d MMMM y", locale=locale)
    return f"{first} - {format_date(end, 'd MMMM y', locale=locale)}"


def hours_text(hours: Decimal) -> str:
    """`3`, `2,5` (Indonesian decimal comma)."""
    return format_decimal(hours.normalize(), locale=_locale())


def times_text(event: Event, starts_at: time, ends_at: time) -> str:
    zone = _ZONE_NAMES.get(province_time_zone(event.region_id), "")
    return f"{starts_at:%H.%M}-{ends_at:%H.%M} {zone}".strip()


def format_code(code: str) -> str:
    """`K7QM2X9P4R0A` → `K7QM-2X9P-4R0A`: groups of four, easy to read aloud and to type from paper."""
    return "-".join(code[start : start + 4] for start in range(0, len(code), 4))


def place_text(event: Event) -> str:
    """`Gereja GMIT Bethesda Tarus, Desa/Kel. Tarus, Kec. Kupang Tengah, Kabupaten Kupang`."""
    regions = {region.level: region.name for region in Region.objects.filter(code__in=ancestor_codes(event.region_id))}
    parts = [event.venue_name]
    if RegionLevel.VILLAGE in regions:
        parts.append(_("Desa/Kel. %(name)s") % {"name": regions[RegionLevel.VILLAGE]})
    if RegionLevel.DISTRICT in regions:
        parts.append(_("Kec. %(name)s") % {"name": regions[RegionLevel.DISTRICT]})
    if RegionLevel.REGENCY in regions:
        parts.append(regions[RegionLevel.REGENCY])
    return ", ".join(parts)


def signing_place(event: Event) -> str:
    """Where a document of the event is signed, as in `Tarus, 13 November 2019`: the venue's village."""
    village = Region.objects.filter(code__in=ancestor_codes(event.region_id), level=RegionLevel.VILLAGE).first()
    return village.name if village else event.venue_name


def partners_text(event: Event) -> str:
    partners = event.partners.select_related("organisation").order_by("role", "organisation__name")
    return "; ".join(f"{partner.organisation.name} ({partner.get_role_display()})" for partner in partners) or "-"


@dataclass(frozen=True)
class TaughtModule:
    name: str
    hours: Decimal


def taught_modules(event: Event) -> list[TaughtModule]:
    """The modules of the event in the order taught, a module taught in several sessions once with its hours
    summed."""
    hours: dict[str, Decimal] = {}
    for name, taught_hours in EventModule.objects.filter(event=event).values_list("module__name", "hours"):
        hours[name] = hours.get(name, Decimal(0)) + taught_hours
    return [TaughtModule(name, value) for name, value in hours.items()]


# --- the header of every document of the event -----------------------------------------------------------------


def event_facts(event: Event) -> list[tuple[str, str]]:
    """What, whose, where and with whom: the header of every document of the event."""
    return [
        (pgettext("event", "Kegiatan"), event.title),
        (_("Jenis"), event.get_kind_display()),
        (_("Program"), event.program.name),
        (_("Penyelenggara"), event.organiser.name),
        (_("Mitra"), partners_text(event)),
        (_("Tempat"), place_text(event)),
    ]


def _event_facts(event: Event, styles: Styles, *extra: tuple[str, str]) -> Table:
    rows = [*event_facts(event), *extra]
    table = Table(
        [[paragraph(label, styles.bold), paragraph(value, styles.body)] for label, value in rows],
        colWidths=[32 * mm, 144 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return table


# --- attendance list -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceLine:
    name: str
    village: str
    male: bool


def attendance_lines(event: Event) -> list[AttendanceLine]:
    """The enrolled participants by name: only the columns a signature sheet shows (no identifier is loaded)."""
    enrolments = (
        Enrolment.objects.filter(event=event, state=EnrolmentState.ENROLLED)
        .select_related("person__region")
        .only("person__full_name", "person__sex", "person__region__name")
    )
    lines = [
        AttendanceLine(
            name=enrolment.person.full_name,
            village=enrolment.person.region.name,
            male=enrolment.person.sex == Sex.MALE,
        )
        for enrolment in enrolments
    ]
    # Sorted here, not by the database, so that SQLite and PostgreSQL (whose collations differ) print the same order.
    return sorted(lines, key=lambda line: (line.name.casefold(), line.village.casefold()))


def _signature_table(lines: list[AttendanceLine], styles: Styles) -> Table:
    """No, Nama, Desa/Kelurahan, L/P and a signature column whose numbers alternate left and right, as paper
    lists do so that neighbours' signatures do not collide; the header row repeats on every page."""
    cell = ParagraphStyle("cell", parent=styles.body, fontSize=9.5, leading=11.5)
    header = [pgettext("row number", "No"), _("Nama"), _("Desa/Kelurahan"), _("L/P"), _("Tanda tangan"), ""]
    rows: list[list[Any]] = [[paragraph(text, styles.bold) for text in header]]
    for number, line in enumerate(lines, start=1):
        rows.append(
            [
                str(number),
                Paragraph(escape(latin1(line.name)), cell),
                Paragraph(escape(latin1(line.village)), cell),
                pgettext("sex, one letter", "L") if line.male else pgettext("sex, one letter", "P"),
                *signature_cells(number),
            ]
        )
    widths = [10 * mm, 60 * mm, 38 * mm, 10 * mm, 29 * mm, 29 * mm]
    return signature_list(rows, widths, padding=7, style=(("ALIGN", (3, 0), (3, -1), "CENTER"),))


def _officer_signature(event: Event, on: date, styles: Styles) -> Table:
    """Where the organiser's officer signs the list after the session."""
    block = [
        paragraph(f"{signing_place(event)}, {format_date(on, 'd MMMM y', locale=_locale())}", styles.body),
        paragraph(_("Petugas penyelenggara,"), styles.body),
        paragraph(event.organiser.name, styles.bold),
        Spacer(1, 20 * mm),
        paragraph("(" + "." * 60 + ")", styles.body),
        paragraph(_("Nama dan NIP/jabatan"), styles.small),
    ]
    table = Table([["", block]], colWidths=[FRAME_WIDTH - 75 * mm, 75 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def attendance_list_pdf(session: EventSession) -> bytes:
    """The session's daftar hadir: the event's header, a signature row per participant, totals and the officer's
    signature, "Halaman X dari Y" on every page. Load the session with its event's program and organiser."""
    event = session.event
    with translation.override(VENUE_LANGUAGE):
        styles = text_styles()
        lines = attendance_lines(event)
        day = long_date(session.date)
        sessions_that_day = event.sessions.filter(date=session.date).count()
        extra = [(_("Hari, tanggal"), day), (_("Waktu"), times_text(event, session.starts_at, session.ends_at))]
        if session.title or sessions_that_day > 1:
            extra.append((_("Sesi"), session.title or str(session)))
        men = sum(1 for line in lines if line.male)
        totals = Table(
            [
                [paragraph(_("Jumlah peserta terdaftar"), styles.bold), paragraph(str(len(lines)), styles.body)],
                [paragraph(_("Laki-laki"), styles.body), paragraph(str(men), styles.body)],
                [paragraph(_("Perempuan"), styles.body), paragraph(str(len(lines) - men), styles.body)],
                [paragraph(_("Jumlah yang hadir (diisi petugas)"), styles.bold), paragraph("." * 20, styles.body)],
            ],
            colWidths=[65 * mm, 40 * mm],
            hAlign="LEFT",
        )
        totals.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black)]))
        story: list[Any] = [
            paragraph(_("DAFTAR HADIR PESERTA"), styles.title),
            Spacer(1, 4 * mm),
            _event_facts(event, styles, *extra),
            Spacer(1, 4 * mm),
            _signature_table(lines, styles)
            if lines
            else paragraph(_("Belum ada peserta terdaftar pada kegiatan ini."), styles.body),
            Spacer(1, 5 * mm),
            KeepTogether([totals, Spacer(1, 5 * mm), _officer_signature(event, session.date, styles)]),
        ]
        running_title = _("Daftar hadir · %(event)s · %(day)s") % {"event": event.title, "day": day}
        page_header = shortened(latin1(running_title), "Helvetica", 7.5, FRAME_WIDTH)

        def later_pages(canvas: Canvas, document: Any) -> None:
            canvas.saveState()
            canvas.setFont("Helvetica", 7.5)
            canvas.drawString(15 * mm, A4[1] - 9 * mm, page_header)
            canvas.restoreState()

        buffer = io.BytesIO()
        a4_document(buffer, running_title).build(
            story, onLaterPages=later_pages, canvasmaker=canvas_with_footer(running_title)
        )
    return buffer.getvalue()


# --- certificates ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CertificateContext:
    event: Event
    place: str
    where_signed: str
    dates: str
    modules: list[TaughtModule]
    verify_url: str


def _fit_font_size(text: str, font: str, largest: float, width: float) -> float:
    size = largest
    while size > 10 and stringWidth(text, font, size) > width:
        size -= 1
    return size


def _qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """A QR code of `text` in a `size` square at (x, y). Drawn from ReportLab's encoder as one path of dark runs:
    its QrCodeWidget makes a shape object per module, four times slower, which tells on 250 certificates."""
    encoder = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    encoder.addData(text)
    encoder.make()
    count = encoder.getModuleCount()
    module = size / count
    path = canvas.beginPath()
    for row in range(count):
        column = 0
        while column < count:
            if not encoder.isDark(row, column):
                column += 1
                continue
            start = column
            while column < count and encoder.isDark(row, column):
                column += 1
            path.rect(x + start * module, y + size - (row + 1) * module, (column - start) * module, module)
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)


SIGNER_WIDTH = 100 * mm


def _draw_certificate(canvas: Canvas, certificate: Certificate, context: _CertificateContext) -> None:
    width, height = landscape(A4)
    event = context.event
    centre = width / 2
    text_width = width - 70 * mm

    canvas.setStrokeColor(INK)
    canvas.setLineWidth(2.2)
    canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    canvas.setLineWidth(0.6)
    canvas.rect(13 * mm, 13 * mm, width - 26 * mm, height - 26 * mm)

    canvas.setFillColor(colors.black)
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawCentredString(centre, height - 30 * mm, latin1(event.organiser.name.upper()))
    canvas.setFont("Helvetica", 9.5)
    canvas.drawCentredString(centre, height - 36 * mm, latin1(event.program.name))

    canvas.setFillColor(INK)
    canvas.setFont("Helvetica-Bold", 36)
    canvas.drawCentredString(centre, height - 56 * mm, latin1(_("SERTIFIKAT")))
    canvas.setFillColor(colors.black)
    canvas.setFont("Helvetica-Oblique", 13)
    canvas.drawCentredString(centre, height - 70 * mm, latin1(_("diberikan kepada")))

    name = latin1(certificate.enrolment.person.full_name)
    size = _fit_font_size(name, "Helvetica-Bold", 26, text_width)
    canvas.setFont("Helvetica-Bold", size)
    canvas.drawCentredString(centre, height - 84 * mm, name)
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.8)
    canvas.line(centre - 85 * mm, height - 87.5 * mm, centre + 85 * mm, height - 87.5 * mm)

    canvas.setFont("Helvetica-Oblique", 13)
    canvas.drawCentredString(centre, height - 97 * mm, latin1(_("sebagai peserta")))

    styles = text_styles()
    title_style = ParagraphStyle("certificate-title", parent=styles.title, fontSize=15, leading=18, textColor=INK)
    body = ParagraphStyle("certificate-body", parent=styles.centred, fontSize=11, leading=14)
    modules_style = ParagraphStyle("certificate-modules", parent=styles.centred, fontSize=9.5, leading=12)
    modules = ", ".join(
        _("%(module)s (%(hours)s jam pelajaran)") % {"module": module.name, "hours": hours_text(module.hours)}
        for module in context.modules
    )
    flowables = [
        (paragraph(event.title, title_style), 3 * mm),
        (
            paragraph(
                _("%(kind)s yang diselenggarakan oleh %(organiser)s pada %(dates)s di %(place)s.")
                % {
                    "kind": event.get_kind_display(),
                    "organiser": event.organiser.name,
                    "dates": context.dates,
                    "place": context.place,
                },
                body,
            ),
            2.5 * mm,
        ),
    ]
    if context.modules:
        total = sum((module.hours for module in context.modules), Decimal(0))
        flowables.append(
            (
                paragraph(
                    _("Materi: %(modules)s; seluruhnya %(total)s jam pelajaran.")
                    % {"modules": modules, "total": hours_text(total)},
                    modules_style,
                ),
                0,
            )
        )
    y = height - 103 * mm
    for flowable, gap in flowables:
        _used_width, used_height = flowable.wrapOn(canvas, text_width, 60 * mm)
        y -= used_height
        flowable.drawOn(canvas, (width - text_width) / 2, y)
        y -= gap

    # Bottom right: issued where and when, and by whom.
    signer = width - 75 * mm
    canvas.setFont("Helvetica", 10.5)
    issued = format_date(certificate.issued_on, "d MMMM y", locale=_locale())
    canvas.drawCentredString(signer, 56 * mm, latin1(f"{context.where_signed}, {issued}"))
    canvas.drawCentredString(signer, 51 * mm, latin1(_("Penyelenggara,")))
    # A ministry directorate's name is long: it wraps inside the frame rather than running across it.
    organiser_style = ParagraphStyle("certificate-signer", parent=body, fontName="Helvetica-Bold", fontSize=10.5)
    organiser = paragraph(event.organiser.name, organiser_style)
    _used_width, organiser_height = organiser.wrapOn(canvas, SIGNER_WIDTH, 20 * mm)
    organiser.drawOn(canvas, signer - SIGNER_WIDTH / 2, 49.5 * mm - organiser_height)
    canvas.setFont("Helvetica", 10.5)
    canvas.drawCentredString(signer, 24 * mm, "(" + "." * 50 + ")")

    # Bottom left: how anyone can check it.
    check_url = f"{context.verify_url}?code={certificate.code}"
    _qr(canvas, check_url, 24 * mm, 20 * mm, 30 * mm)
    left = 58 * mm
    canvas.setFont("Helvetica", 8.5)
    canvas.drawString(left, 45 * mm, latin1(_("Kode verifikasi")))
    canvas.setFont("Courier-Bold", 14)
    canvas.drawString(left, 39 * mm, format_code(certificate.code))
    canvas.setFont("Helvetica", 8.5)
    canvas.drawString(left, 33 * mm, latin1(_("Periksa keaslian sertifikat ini di")))
    canvas.drawString(left, 28.5 * mm, latin1(context.verify_url))

    if certificate.revoked_on is not None:
        canvas.saveState()
        canvas.setFillColor(colors.red)
        canvas.setFont("Helvetica-Bold", 64)
        canvas.translate(centre, height / 2)
        canvas.rotate(20)
        canvas.drawCentredString(0, 0, latin1(_("DICABUT")))
        canvas.setFont("Helvetica-Bold", 14)
        canvas.drawCentredString(
            0,
            -12 * mm,
            latin1(_("Sertifikat ini dicabut pada %(date)s") % {"date": certificate.revoked_on.strftime("%d-%m-%Y")}),
        )
        canvas.restoreState()


def certificates_pdf(event: Event, certificates: Iterable[Certificate], *, verify_url: str) -> bytes:
    """One landscape A4 page per certificate of `event` (each with its participant loaded), in Indonesian.
    `verify_url` is the public check page that the code and the QR code send the reader to."""
    buffer = io.BytesIO()
    with translation.override(VENUE_LANGUAGE):
        context = _CertificateContext(
            event=event,
            place=place_text(event),
            where_signed=signing_place(event),
            dates=long_date(event.start_date)
            if event.start_date == event.end_date
            else date_range(event.start_date, event.end_date),
            modules=taught_modules(event),
            verify_url=verify_url,
        )
        canvas = Canvas(buffer, pagesize=landscape(A4))
        canvas.setTitle(latin1(_("Sertifikat · %(event)s") % {"event": event.title}))
        canvas.setAuthor("Bangkit")
        for certificate in certificates:
            _draw_certificate(canvas, certificate, context)
            canvas.showPage()
        canvas.save()
    return buffer.getvalue()


# --- event report ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportTable:
    title: str
    sheet: str  # the XLSX sheet's name: short, no slash
    header: list[str]
    rows: list[list[Any]]  # texts, whole numbers, and Decimal hours


def report_tables(report: EventReport) -> list[ReportTable]:
    """The report's tables: the same figures on the page, in the PDF and in the XLSX."""
    total_hours = sum((module.hours for module in report.modules), Decimal(0))
    return [
        ReportTable(
            _("Ringkasan"),
            _("Ringkasan"),
            [_("Keterangan"), _("Jumlah")],
            [
                [_("Peserta terdaftar"), report.participants],
                [_("Daftar tunggu"), report.waitlisted],
                [_("Mengundurkan diri"), report.withdrawn],
                [_("Lulus (memenuhi batas kehadiran)"), report.completed],
                [_("Bersertifikat"), report.certified],
            ],
        ),
        ReportTable(
            _("Peserta menurut jenis kelamin"),
            _("Jenis kelamin"),
            [_("Jenis kelamin"), _("Jumlah")],
            [list(row) for row in report.by_sex],
        ),
        ReportTable(
            _("Peserta menurut kelompok umur"),
            _("Kelompok umur"),
            [_("Kelompok umur (tahun)"), _("Jumlah")],
            [list(row) for row in report.by_age_band],
        ),
        ReportTable(
            _("Peserta menurut desa/kelurahan asal"),
            _("Desa-kelurahan"),
            [_("Desa/kelurahan"), _("Jumlah")],
            [list(row) for row in report.by_village],
        ),
        ReportTable(
            _("Kehadiran per sesi"),
            _("Kehadiran"),
            [
                _("Sesi"),
                _("Hadir"),
                pgettext("attendance", "Terlambat"),
                _("Tidak hadir"),
                _("Belum dicatat"),
                _("Tingkat kehadiran (%)"),
            ],
            [
                [
                    f"{line.session.date:%d-%m-%Y} {line.session.starts_at:%H.%M}"
                    + (f" {line.session.title}" if line.session.title else ""),
                    line.present,
                    line.late,
                    line.absent,
                    line.unmarked,
                    line.rate,
                ]
                for line in report.sessions
            ],
        ),
        ReportTable(
            _("Modul yang diberikan"),
            _("Modul"),
            [_("Modul"), _("Sesi"), _("Jam pelajaran")],
            [[module.module.name, f"{module.session.date:%d-%m-%Y}", module.hours] for module in report.modules]
            + ([[_("Jumlah"), "", total_hours]] if report.modules else []),
        ),
    ]


def cell_text(value: Any) -> str:
    """A report cell as text: hours with the decimal comma, everything else as it is."""
    return hours_text(value) if isinstance(value, Decimal) else str(value)


def _figures_table(table: ReportTable, styles: Styles) -> Table:
    columns = len(table.header)
    first = FRAME_WIDTH - 24 * mm * (columns - 1)
    result = Table(
        [[paragraph(text, styles.bold) for text in table.header]]
        + [[paragraph(row[0], styles.body), *(latin1(cell_text(value)) for value in row[1:])] for row in table.rows],
        colWidths=[first] + [24 * mm] * (columns - 1),
        repeatRows=1,
        hAlign="LEFT",
    )
    result.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (1, 1), (-1, -1), "Helvetica", 9),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return result


def event_report_pdf(report: EventReport) -> bytes:
    """The event report: the event's header, then each table of figures. No names."""
    event = report.event
    styles = text_styles()
    story: list[Any] = [
        paragraph(_("LAPORAN KEGIATAN"), styles.title),
        Spacer(1, 4 * mm),
        _event_facts(
            event,
            styles,
            (_("Tanggal"), date_range(event.start_date, event.end_date)),
            (_("Kapasitas"), str(event.capacity)),
        ),
    ]
    for table in report_tables(report):
        story.append(paragraph(table.title, styles.heading))
        story.append(_figures_table(table, styles) if table.rows else paragraph("-", styles.body))
    buffer = io.BytesIO()
    footer = _("Laporan kegiatan · %(event)s") % {"event": event.title}
    a4_document(buffer, footer).build(story, canvasmaker=canvas_with_footer(footer))
    return buffer.getvalue()
