#include "text_table.hpp"

#include <algorithm>
#include <stdexcept>

namespace cmm::ctl {

text_table::text_table(std::vector<column> columns)
    : columns_(std::move(columns)) {
  // nop
}

void text_table::add_row(std::vector<std::string> cells) {
  if (cells.size() != columns_.size())
    throw std::logic_error("text_table: a row needs one cell per column");
  rows_.push_back(std::move(cells));
}

std::string text_table::render() const {
  std::vector<size_t> widths;
  for (auto& col : columns_)
    widths.push_back(col.title.size());
  for (auto& row : rows_)
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], row[i].size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
      auto pad = std::string(widths[i] - cells[i].size(), ' ');
      bool last = i + 1 == cells.size();
      if (columns_[i].side == align::right)
        out += pad + cells[i];
      else
        out += last ? cells[i] : cells[i] + pad;
      if (!last)
        out += "  ";
    }
    return out + '\n';
  };
  std::vector<std::string> titles;
  for (auto& col : columns_)
    titles.push_back(col.title);
  auto out = line(titles);
  for (auto& row : rows_)
    out += line(row);
  return out;
}

} // namespace cmm::ctl
