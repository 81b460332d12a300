"""Writes the office documents the document tests read, each made by a program other than
OpenDispatch (the libraries people's own tools are built on), into the folder given as argv[1].

Known contents (the tests check the model's view against them):
- sales.xlsx (XlsxWriter, formulas with the cached values Excel would store): sheets Sales, Notes
- uncached.xlsx (openpyxl, which stores formulas without cached values)
- big.xlsx: 40,000 data rows under a header
- budget.ods, notes.odt (odfpy), legacy.xls (xlwt)
- notes.docx (python-docx): headings, a bulleted and a numbered list, a table
- slides.pptx (python-pptx): two slides
- invoice.pdf (fpdf2, a text layer on two pages), scanned.pdf (one picture, no text layer),
  scanned-long.pdf (101 such pages)
- photo.png (4000x3000 px), and the bad ones: secret.xlsx/secret.docx (msoffcrypto-tool,
  password "hunter2"), secret.pdf (fpdf2, user password), bomb.docx (a 300 MB entry),
  lying-bomb.xlsx (a 300 MB entry whose headers claim 2 KB), truncated.xlsx, garbage.pdf
"""
import io
import os
import struct
import sys
import zipfile

from msoffcrypto.format.ooxml import OOXMLFile
import openpyxl
import xlsxwriter
import xlwt
from docx import Document
from fpdf import FPDF
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, List, ListItem, P
from PIL import Image, ImageDraw
from pptx import Presentation
from pptx.util import Inches

out = sys.argv[1]


def path(name):
    return os.path.join(out, name)


def sales_xlsx():
    book = xlsxwriter.Workbook(path("sales.xlsx"))
    sales = book.add_worksheet("Sales")
    sales.write_row(0, 0, ["Region", "Q1", "Q2", "Total"])
    sales.write_row(1, 0, ["North", 1200, 1350])
    sales.write_row(2, 0, ["South", 980, 1010])
    sales.write_formula("D2", "=SUM(B2:C2)", None, 2550)
    sales.write_formula("D3", "=SUM(B3:C3)", None, 1990)
    sales.write("A4", "All regions")
    sales.write_formula("D4", "=SUM(D2:D3)", None, 4540)
    notes = book.add_worksheet("Notes")
    notes.write("A1", "Prepared by")
    notes.write("B1", "Dana Whitfield")
    notes.write("A2", "Double North")
    notes.write_formula("B2", "=Sales!D2*2", None, 5100)
    book.close()


def uncached_xlsx():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plain"
    sheet.append(["a", "b", "sum"])
    sheet.append([2, 3, "=A2+B2"])
    book.save(path("uncached.xlsx"))


def big_xlsx():
    book = xlsxwriter.Workbook(path("big.xlsx"), {"constant_memory": True})
    sheet = book.add_worksheet("Log")
    sheet.write_row(0, 0, ["id", "item", "amount"])
    for index in range(1, 40001):
        sheet.write_row(index, 0, [index, f"item-{index}", index * 3])
    book.close()


def ods_and_odt():
    sheet_doc = OpenDocumentSpreadsheet()
    table = Table(name="Budget")
    table.addElement(TableColumn())
    for label, amount in [("Rent", 1500), ("Food", 420)]:
        row = TableRow()
        cell = TableCell()
        cell.addElement(P(text=label))
        row.addElement(cell)
        cell = TableCell(valuetype="float", value=amount)
        cell.addElement(P(text=str(amount)))
        row.addElement(cell)
        table.addElement(row)
    row = TableRow()
    cell = TableCell()
    cell.addElement(P(text="Sum"))
    row.addElement(cell)
    cell = TableCell(valuetype="float", value=1920, formula="of:=SUM([.B1:.B2])")
    cell.addElement(P(text="1920"))
    row.addElement(cell)
    table.addElement(row)
    sheet_doc.spreadsheet.addElement(table)
    sheet_doc.save(path("budget.ods"))

    text_doc = OpenDocumentText()
    text_doc.text.addElement(H(outlinelevel=1, text="Trip plan"))
    text_doc.text.addElement(P(text="We leave on Friday morning."))
    items = List()
    for thing in ["Passports", "Sunscreen"]:
        item = ListItem()
        item.addElement(P(text=thing))
        items.addElement(item)
    text_doc.text.addElement(items)
    grid = Table(name="Costs")
    grid.addElement(TableColumn(numbercolumnsrepeated=2))
    for left, right in [("Hotel", "310"), ("Train", "85")]:
        row = TableRow()
        for value in (left, right):
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        grid.addElement(row)
    text_doc.text.addElement(grid)
    text_doc.save(path("notes.odt"))


def legacy_xls():
    book = xlwt.Workbook()
    sheet = book.add_sheet("Stock")
    for index, (name, count) in enumerate([("Widgets", 14), ("Gadgets", 7)]):
        sheet.write(index, 0, name)
        sheet.write(index, 1, count)
    book.save(path("legacy.xls"))


def notes_docx():
    doc = Document()
    doc.add_heading("Quarterly notes", level=1)
    doc.add_paragraph("Revenue grew in every region this quarter.")
    doc.add_heading("Action items", level=2)
    doc.add_paragraph("Call the supplier", style="List Bullet")
    doc.add_paragraph("Renew the lease", style="List Bullet")
    doc.add_paragraph("Draft the budget", style="List Number")
    doc.add_paragraph("Send it to finance", style="List Number")
    table = doc.add_table(rows=3, cols=2)
    for row, (item, owner) in enumerate([("Item", "Owner"), ("Lease", "Sam Ortiz"), ("Budget", "Priya Nair")]):
        table.cell(row, 0).text = item
        table.cell(row, 1).text = owner
    doc.save(path("notes.docx"))


def slides_pptx():
    deck = Presentation()
    first = deck.slides.add_slide(deck.slide_layouts[0])
    first.shapes.title.text = "Roadmap 2025"
    first.placeholders[1].text = "Planning review"
    second = deck.slides.add_slide(deck.slide_layouts[1])
    second.shapes.title.text = "Milestones"
    body = second.placeholders[1].text_frame
    body.text = "Beta in March"
    body.add_paragraph().text = "Launch in June"
    second.notes_slide.notes_text_frame.text = "Mention the hiring plan"
    deck.save(path("slides.pptx"))


def pdfs():
    invoice = FPDF()
    invoice.set_font("Helvetica", size=14)
    invoice.add_page()
    invoice.cell(text="Invoice INV-2024-0042", new_x="LMARGIN", new_y="NEXT")
    invoice.cell(text="Total due: 1,234.56 EUR", new_x="LMARGIN", new_y="NEXT")
    invoice.add_page()
    invoice.cell(text="Payment terms: 30 days net", new_x="LMARGIN", new_y="NEXT")
    invoice.output(path("invoice.pdf"))

    picture = Image.new("RGB", (800, 300), "white")
    ImageDraw.Draw(picture).text((40, 120), "RECEIPT 7781  TOTAL 52.10", fill="black")
    scanned = FPDF()
    scanned.add_page()
    scanned.image(picture, x=10, y=10, w=180)
    scanned.output(path("scanned.pdf"))

    long_scan = FPDF()
    for _ in range(101):
        long_scan.add_page()
        long_scan.image(picture, x=10, y=10, w=180)
    long_scan.output(path("scanned-long.pdf"))

    secret = FPDF()
    secret.set_encryption(owner_password="owner-secret", user_password="hunter2")
    secret.set_font("Helvetica", size=14)
    secret.add_page()
    secret.cell(text="Salary review")
    secret.output(path("secret.pdf"))

    with open(path("garbage.pdf"), "wb") as handle:
        handle.write(b"%PDF-1.7\nthis is not really a pdf at all\n")


def photo_png():
    picture = Image.new("RGB", (4000, 3000), (30, 120, 200))
    ImageDraw.Draw(picture).rectangle((1000, 1000, 3000, 2000), fill=(250, 200, 40))
    picture.save(path("photo.png"))


def encrypted():
    for plain, secret in [("notes.docx", "secret.docx"), ("sales.xlsx", "secret.xlsx")]:
        with open(path(plain), "rb") as source, open(path(secret), "wb") as target:
            OOXMLFile(source).encrypt("hunter2", target)


def bombs():
    """Zips whose one entry inflates to 300 MB of zeros; the lying one's headers say 2 KB."""
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(path("bomb.docx"), "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        with bomb.open("word/document.xml", "w", force_zip64=True) as entry:
            for _ in range(300):
                entry.write(chunk)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        with bomb.open("xl/worksheets/sheet1.xml", "w") as entry:
            for _ in range(300):
                entry.write(chunk)
    data = bytearray(buffer.getvalue())
    claimed = 2048
    # Rewrite every uncompressed-size field the entry has: its local header and its central one.
    offset = 0
    while True:
        local = data.find(b"PK\x03\x04", offset)
        if local < 0:
            break
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + name_length] == b"xl/worksheets/sheet1.xml":
            struct.pack_into("<I", data, local + 22, claimed)
        offset = local + 4
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == b"xl/worksheets/sheet1.xml":
            struct.pack_into("<I", data, central + 24, claimed)
        central = data.find(b"PK\x01\x02", central + 4)
    descriptor = data.find(b"PK\x07\x08")
    if descriptor >= 0:
        struct.pack_into("<I", data, descriptor + 12, claimed)
    with open(path("lying-bomb.xlsx"), "wb") as handle:
        handle.write(data)

    with open(path("sales.xlsx"), "rb") as handle:
        whole = handle.read()
    with open(path("truncated.xlsx"), "wb") as handle:
        handle.write(whole[: len(whole) // 2])


sales_xlsx()
uncached_xlsx()
big_xlsx()
ods_and_odt()
legacy_xls()
notes_docx()
slides_pptx()
pdfs()
photo_png()
encrypted()
bombs()
print("ok")
