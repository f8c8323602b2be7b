#include "output.hpp"

#include <cstdio>

namespace cmm::ctl {

void print_text(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

std::string json_line(const nlohmann::ordered_json& doc) {
  return doc.dump(-1, ' ', false,
                  nlohmann::ordered_json::error_handler_t::replace);
}

void print_json(const nlohmann::ordered_json& doc) {
  print_text(json_line(doc) + '\n');
}

} // namespace cmm::ctl
