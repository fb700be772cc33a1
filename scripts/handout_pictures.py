"""Pictures of each handout for docs/handouts/, made by jifen's own commands on a copy of the demo ledger.

Run it with ``make pictures``. Needs chromium and poppler-utils (the pages), LibreOffice (the Excel
forms) and a CJK font: ``make os-packages`` installs them. Each picture is the first page, at a
resolution that keeps the file small, quantised to a palette.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "handouts"
JIFEN = [sys.executable, "-m", "jifen"]

HANDOUTS = [  # picture, command, file it writes
    ("notice-2023Q1", ["report", "--quarter", "2023Q1", "-f", "html"], "html"),
    ("notice-2023", ["grade", "--year", "2023", "-f", "html"], "html"),
    ("card", ["show", "赵伟", "--year", "2023", "-f", "html"], "html"),
    ("register-2023-03", ["report", "--month", "2023-03", "-f", "xlsx"], "xlsx"),
    ("summary-2023", ["grade", "--year", "2023", "-f", "xlsx"], "xlsx"),
    ("chart-2023", ["chart", "--year", "2023"], "png"),
]


def run(*args: str, cwd: Path | None = None) -> None:
    subprocess.run(args, check=True, capture_output=True, cwd=cwd, timeout=300)


def pdf_of(path: Path, work: Path) -> Path:
    if path.suffix == ".html":
        pdf = path.with_suffix(".pdf")
        run("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
            f"--user-data-dir={work / 'profile'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", path.as_uri())
        return pdf
    run("soffice", f"-env:UserInstallation={(work / 'lo').as_uri()}", "--headless", "--convert-to", "pdf",
        "--outdir", str(work), str(path))
    return path.with_suffix(".pdf")


def small_png(image: Path, target: Path, width: int, colors: int = 64) -> None:
    picture = Image.open(image).convert("RGB")
    if picture.width > width:
        picture = picture.resize((width, round(picture.height * width / picture.width)), Image.LANCZOS)
    picture.quantize(colors=colors).save(target, optimize=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        ledger = work / "demo"
        shutil.copytree(ROOT / "ledgers" / "demo", ledger, ignore=shutil.ignore_patterns(".jifen-cache"))
        for name, command, kind in HANDOUTS:
            made = work / f"{name}.{kind}"
            run(*JIFEN, *command, "-l", str(ledger), "-o", str(made), cwd=work)
            if kind == "png":
                small_png(made, OUT / f"{name}.png", 900, colors=256)  # each member's colour kept
            else:
                pdf = pdf_of(made, work)
                run("pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(work / name))
                small_png(work / f"{name}.png", OUT / f"{name}.png", 700)
            print(OUT / f"{name}.png")


if __name__ == "__main__":
    main()
