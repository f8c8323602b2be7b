#include "output.hpp"

#include <cstdio>

namespace cmm::ctl {

void print_text(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

void print_json(const json_writer& doc) {
  print_text(doc.str() + '\n');
}

} // namespace cmm::ctl
