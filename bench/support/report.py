"""Tables that the benchmarks print, as Markdown (they go into notes and docs as they are)."""


def markdown_table(rows: list[list[str]], *, text_columns: int = 1) -> str:
    """``rows[0]`` is the header; the first ``text_columns`` columns are left-aligned text, the
    others right-aligned figures."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(cells):
        cells = (
            cell.ljust(width) if i < text_columns else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )
        return "| " + " | ".join(cells) + " |"

    rule = "|".join(
        "-" * (width + 1) + (":" if i >= text_columns else "-") for i, width in enumerate(widths)
    )
    return "\n".join([line(rows[0]), f"|{rule}|", *(line(row) for row in rows[1:])])
