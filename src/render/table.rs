pub struct Table {
    rows: Vec<Vec<String>>,
    minwidth: usize,
}
impl Table {
    pub fn new(minwidth: usize) -> Self {
        Table {
            rows: Vec::new(),
            minwidth,
        }
    }
    pub fn push_row(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }
    pub fn write_to(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let _ = self.minwidth;
        for r in &self.rows {
            writeln!(out, "{}", r.join("\t"))?;
        }
        Ok(())
    }
}
