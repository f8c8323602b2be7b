#pragma once

// A plain-text table: a header row and data rows, each column padded to
// its widest cell, numbers right-aligned. What cmm-ctl prints by default.

#include <string>
#include <vector>

namespace cmm::ctl {

class text_table {
public:
  enum class align { left, right };

  struct column {
    std::string title;
    align side = align::left;
  };

  explicit text_table(std::vector<column> columns);

  /// Adds a row; it must have one cell per column.
  void add_row(std::vector<std::string> cells);

  bool empty() const noexcept { return rows_.empty(); }

  /// The table, one line per row, each ending in a newline.
  std::string render() const;

private:
  std::vector<column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

} // namespace cmm::ctl
