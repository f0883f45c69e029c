//! Column-aligned tables laid out byte for byte like Go's `text/tabwriter`
//! with the settings crictl uses.
//!
//! crictl writes every row as its cells joined by tabs and ended by a
//! newline into a tabwriter made with minwidth 20 (10 for `runtime-config`),
//! tabwidth 1, padding 3, pad character ' ' and no flags. Go counts the
//! padding inside the minimum width and measures cells in runes; the
//! `tabwriter` crate does neither, so the layout is reimplemented here.

use std::io::{self, Write};

/// Minimum column width of crictl's tables.
pub const MIN_WIDTH: usize = 20;

/// Minimum column width of the `runtime-config` table.
pub const RUNTIME_CONFIG_MIN_WIDTH: usize = 10;

/// Spaces added after the widest cell of a column.
pub const PADDING: usize = 3;

/// Rows of cells, buffered until written so every column gets the width of
/// its widest cell.
#[derive(Debug, Clone, Default)]
pub struct Table {
    min_width: usize,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// Creates an empty table whose columns are at least `min_width`
    /// characters wide, padding included.
    pub fn new(min_width: usize) -> Self {
        Table {
            min_width,
            rows: Vec::new(),
        }
    }

    /// Appends a row. The last cell of a row is printed as is and never
    /// padded, like the text after the last tab of a tabwriter line.
    pub fn push_row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Lays out the table, one line per row, each ended by `\n`.
    pub fn render(&self) -> String {
        let mut text = String::new();
        for row in &self.rows {
            for (index, cell) in row.iter().enumerate() {
                if index > 0 {
                    text.push('\t');
                }
                text.push_str(cell);
            }
            text.push('\n');
        }
        tabwriter_format(&text, self.min_width, PADDING)
    }

    /// Writes the laid-out table to `out`.
    pub fn write_to<W: Write + ?Sized>(&self, out: &mut W) -> io::Result<()> {
        out.write_all(self.render().as_bytes())
    }
}

/// One cell of a tabwriter line and its width in runes.
struct Cell<'a> {
    text: &'a str,
    width: usize,
}

/// One input line: its cells and whether a newline ended it (the final text
/// of the input may lack one, and is then written without one).
struct Line<'a> {
    cells: Vec<Cell<'a>>,
    terminated: bool,
}

/// Formats `text` as Go's `text/tabwriter` does with the given minimum cell
/// width and padding, space padding and no flags, followed by `Flush`.
///
/// Tabs (and vertical tabs) end cells, newlines (and form feeds) end lines.
/// The last cell of a line belongs to no column. A column's width is the
/// widest of its cells plus `padding`, at least `min_width`, taken over each
/// run of consecutive lines that have a cell in that column. A form feed also
/// ends every run.
pub fn tabwriter_format(text: &str, min_width: usize, padding: usize) -> String {
    let mut out = String::new();
    let mut group: Vec<Line<'_>> = Vec::new();
    let mut rest = text;

    while let Some(end) = memchr::memchr2(b'\n', b'\x0c', rest.as_bytes()) {
        let is_form_feed = rest.as_bytes()[end] == b'\x0c';
        group.push(Line {
            cells: split_cells(&rest[..end], true),
            terminated: true,
        });
        rest = &rest[end + 1..];
        if is_form_feed {
            write_group(&group, min_width, padding, &mut out);
            group.clear();
        }
    }
    if !rest.is_empty() {
        group.push(Line {
            cells: split_cells(rest, false),
            terminated: false,
        });
    }
    write_group(&group, min_width, padding, &mut out);
    out
}

/// Splits one line into cells. An unterminated final line drops an empty
/// last cell, because tabwriter only keeps a cell once text or a tab ends it.
fn split_cells(line: &str, terminated: bool) -> Vec<Cell<'_>> {
    // Tabs and vertical tabs are ASCII, so every split falls on a character
    // boundary.
    let mut cells = Vec::new();
    let mut start = 0;
    for end in memchr::memchr2_iter(b'\t', b'\x0b', line.as_bytes()).chain([line.len()]) {
        let text = &line[start..end];
        cells.push(Cell {
            text,
            width: width(text),
        });
        start = end + 1;
    }
    if !terminated && cells.last().is_some_and(|cell| cell.text.is_empty()) {
        cells.pop();
    }
    cells
}

/// Lays out a group of lines that no form feed separates.
fn write_group(lines: &[Line<'_>], min_width: usize, padding: usize, out: &mut String) {
    let layout = Layout {
        lines,
        min_width,
        padding,
    };
    let mut widths = Vec::new();
    layout.format(0, lines.len(), &mut widths, out);
}

struct Layout<'a, 'b> {
    lines: &'a [Line<'b>],
    min_width: usize,
    padding: usize,
}

impl Layout<'_, '_> {
    /// Writes lines `first..end` given the widths of the columns left of
    /// `widths.len()`, finding the runs of lines that share the next column
    /// and recursing into each run with that column's width added.
    fn format(&self, first: usize, end: usize, widths: &mut Vec<usize>, out: &mut String) {
        let column = widths.len();
        let has_column = |index: usize| self.lines[index].cells.len() > column + 1;
        let mut unwritten = first;
        let mut index = first;

        while index < end {
            if !has_column(index) {
                index += 1;
                continue;
            }
            self.write_lines(unwritten, index, widths, out);
            let run_start = index;

            let mut width = self.min_width;
            while index < end && has_column(index) {
                width = width.max(self.lines[index].cells[column].width + self.padding);
                index += 1;
            }

            widths.push(width);
            self.format(run_start, index, widths, out);
            widths.pop();
            unwritten = index;
        }
        self.write_lines(unwritten, end, widths, out);
    }

    /// Writes lines `first..end`, padding each cell that has a column width.
    fn write_lines(&self, first: usize, end: usize, widths: &[usize], out: &mut String) {
        for line in &self.lines[first..end] {
            for (column, cell) in line.cells.iter().enumerate() {
                out.push_str(cell.text);
                if let Some(width) = widths.get(column) {
                    pad(out, width.saturating_sub(cell.width));
                }
            }
            if line.terminated {
                out.push('\n');
            }
        }
    }
}

/// Returns the width of `text` in runes, as Go's tabwriter counts it.
fn width(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

/// Appends `count` spaces.
fn pad(out: &mut String, mut count: usize) {
    const SPACES: &str = "                                ";
    while count > 0 {
        let step = count.min(SPACES.len());
        out.push_str(&SPACES[..step]);
        count -= step;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_of(min_width: usize, rows: &[&[&str]]) -> String {
        let mut table = Table::new(min_width);
        for row in rows {
            table.push_row(row.iter().map(|cell| (*cell).to_owned()).collect());
        }
        table.render()
    }

    #[test]
    fn ps_table_matches_crictl() {
        let rendered = table_of(
            MIN_WIDTH,
            &[
                &[
                    "CONTAINER",
                    "IMAGE",
                    "CREATED",
                    "STATE",
                    "NAME",
                    "ATTEMPT",
                    "POD ID",
                    "POD",
                    "NAMESPACE",
                ],
                &[
                    "1111111111111",
                    "6210c0bf05396",
                    "23 seconds ago",
                    "Created",
                    "sidecar",
                    "2",
                    "a1b2c3d4e5f60",
                    "nginx-sandbox",
                    "default",
                ],
                &[
                    "0123456789abc",
                    "5be1ecc7935f1",
                    "About a minute ago",
                    "Running",
                    "nginx",
                    "0",
                    "a1b2c3d4e5f60",
                    "nginx-sandbox",
                    "default",
                ],
                &[
                    "fedcba9876543",
                    "docker.io/library/busybox:latest",
                    "2 hours ago",
                    "Exited",
                    "busybox",
                    "3",
                    "ffeeddccbbaa9",
                    "unknown",
                    "unknown",
                ],
            ],
        );
        let expected = concat!(
            "CONTAINER           IMAGE                              CREATED              STATE               NAME                ATTEMPT             POD ID              POD                 NAMESPACE\n",
            "1111111111111       6210c0bf05396                      23 seconds ago       Created             sidecar             2                   a1b2c3d4e5f60       nginx-sandbox       default\n",
            "0123456789abc       5be1ecc7935f1                      About a minute ago   Running             nginx               0                   a1b2c3d4e5f60       nginx-sandbox       default\n",
            "fedcba9876543       docker.io/library/busybox:latest   2 hours ago          Exited              busybox             3                   ffeeddccbbaa9       unknown             unknown\n",
        );
        assert_eq!(rendered, expected);
    }

    #[test]
    fn pods_table_matches_crictl() {
        let rendered = table_of(
            MIN_WIDTH,
            &[
                &[
                    "POD ID",
                    "CREATED",
                    "STATE",
                    "NAME",
                    "NAMESPACE",
                    "ATTEMPT",
                    "RUNTIME",
                ],
                &[
                    "a1b2c3d4e5f60",
                    "About a minute ago",
                    "Ready",
                    "nginx-sandbox",
                    "default",
                    "1",
                    "(default)",
                ],
                &[
                    "ffeeddccbbaa9",
                    "3 days ago",
                    "NotReady",
                    "busy-pod",
                    "kube-system",
                    "0",
                    "runc",
                ],
            ],
        );
        let expected = concat!(
            "POD ID              CREATED              STATE               NAME                NAMESPACE           ATTEMPT             RUNTIME\n",
            "a1b2c3d4e5f60       About a minute ago   Ready               nginx-sandbox       default             1                   (default)\n",
            "ffeeddccbbaa9       3 days ago           NotReady            busy-pod            kube-system         0                   runc\n",
        );
        assert_eq!(rendered, expected);
    }

    #[test]
    fn images_table_matches_crictl() {
        let rendered = table_of(
            MIN_WIDTH,
            &[
                &["IMAGE", "TAG", "IMAGE ID", "SIZE"],
                &[
                    "docker.io/library/busybox",
                    "latest",
                    "9d75f0d7c398d",
                    "4.5MB",
                ],
                &[
                    "docker.io/library/busybox",
                    "1.36",
                    "9d75f0d7c398d",
                    "4.5MB",
                ],
                &[
                    "docker.io/library/nginx",
                    "latest",
                    "5be1ecc7935f1",
                    "191MB",
                ],
                &["registry.k8s.io/pause", "<none>", "6210c0bf05396", "750kB"],
                &["localhost/odd", "v1", "990cb8ebd0afb", "1e+03kB"],
            ],
        );
        let expected = concat!(
            "IMAGE                       TAG                 IMAGE ID            SIZE\n",
            "docker.io/library/busybox   latest              9d75f0d7c398d       4.5MB\n",
            "docker.io/library/busybox   1.36                9d75f0d7c398d       4.5MB\n",
            "docker.io/library/nginx     latest              5be1ecc7935f1       191MB\n",
            "registry.k8s.io/pause       <none>              6210c0bf05396       750kB\n",
            "localhost/odd               v1                  990cb8ebd0afb       1e+03kB\n",
        );
        assert_eq!(rendered, expected);
    }

    #[test]
    fn images_digest_table_matches_crictl() {
        let rendered = table_of(
            MIN_WIDTH,
            &[
                &["IMAGE", "TAG", "DIGEST", "IMAGE ID", "SIZE", "PINNED"],
                &[
                    "docker.io/library/nginx",
                    "latest",
                    "05aa73005987c",
                    "5be1ecc7935f1",
                    "191MB",
                    "false",
                ],
                &[
                    "localhost/odd",
                    "v1",
                    "<none>",
                    "990cb8ebd0afb",
                    "1e+03kB",
                    "false",
                ],
            ],
        );
        let expected = concat!(
            "IMAGE                     TAG                 DIGEST              IMAGE ID            SIZE                PINNED\n",
            "docker.io/library/nginx   latest              05aa73005987c       5be1ecc7935f1       191MB               false\n",
            "localhost/odd             v1                  <none>              990cb8ebd0afb       1e+03kB             false\n",
        );
        assert_eq!(rendered, expected);
    }

    #[test]
    fn stats_table_matches_crictl() {
        let rendered = table_of(
            MIN_WIDTH,
            &[
                &[
                    "CONTAINER",
                    "NAME",
                    "CPU %",
                    "MEM",
                    "DISK",
                    "INODES",
                    "SWAP",
                ],
                &[
                    "0123456789abc",
                    "nginx",
                    "25.00",
                    "12.35MB",
                    "4.096kB",
                    "12",
                    "0B",
                ],
            ],
        );
        let expected = concat!(
            "CONTAINER           NAME                CPU %               MEM                 DISK                INODES              SWAP\n",
            "0123456789abc       nginx               25.00               12.35MB             4.096kB             12                  0B\n",
        );
        assert_eq!(rendered, expected);
    }

    #[test]
    fn runtime_config_uses_min_width_10() {
        let rendered = table_of(RUNTIME_CONFIG_MIN_WIDTH, &[&["cgroup driver:", "SYSTEMD"]]);
        assert_eq!(rendered, "cgroup driver:   SYSTEMD\n");
    }

    #[test]
    fn empty_cells_are_padded() {
        let rendered = table_of(
            MIN_WIDTH,
            &[
                &["runtime-endpoint", ""],
                &["pull-image-on-create", "false"],
            ],
        );
        assert_eq!(
            rendered,
            "runtime-endpoint       \npull-image-on-create   false\n"
        );
    }

    #[test]
    fn width_counts_runes_not_bytes() {
        let rendered = table_of(4, &[&["\u{e9}\u{e9}", "x"], &["abc", "y"]]);
        assert_eq!(rendered, "\u{e9}\u{e9}    x\nabc   y\n");
    }

    #[test]
    fn header_only_table() {
        assert_eq!(
            table_of(MIN_WIDTH, &[&["A", "B"]]),
            "A                   B\n"
        );
    }

    #[test]
    fn empty_table_writes_nothing() {
        assert_eq!(Table::new(MIN_WIDTH).render(), "");
    }

    #[test]
    fn columns_span_only_consecutive_lines() {
        // The single-cell middle line ends the run of the first column, so
        // the last line is laid out on its own.
        let text = "longer-cell-text-here\tx\nmiddle\nab\ty\n";
        assert_eq!(
            tabwriter_format(text, MIN_WIDTH, PADDING),
            "longer-cell-text-here   x\nmiddle\nab                  y\n"
        );
    }

    #[test]
    fn form_feed_ends_column_runs() {
        let text = "longer-cell-text-here\tx\x0cab\ty\n";
        assert_eq!(
            tabwriter_format(text, MIN_WIDTH, PADDING),
            "longer-cell-text-here   x\nab                  y\n"
        );
    }

    #[test]
    fn unterminated_last_line_has_no_newline() {
        assert_eq!(tabwriter_format("a\tb", 4, 1), "a   b");
    }

    #[test]
    fn unterminated_trailing_tab_is_not_a_column() {
        assert_eq!(tabwriter_format("a\tb\nc\t", 4, 1), "a   b\nc");
    }

    #[test]
    fn newline_inside_cell_starts_line() {
        let mut table = Table::new(4);
        table.push_row(vec!["a\nb".to_owned(), "c".to_owned()]);
        assert_eq!(table.render(), "a\nb   c\n");
    }

    #[test]
    fn write_to_writes_rendered_bytes() {
        let mut table = Table::new(MIN_WIDTH);
        table.push_row(vec!["A".to_owned(), "B".to_owned()]);
        let mut out = Vec::new();
        let result = table.write_to(&mut out);
        assert!(result.is_ok());
        assert_eq!(out, b"A                   B\n");
    }
}
