#include "cmm/catalog.hpp"

#include <sstream>
#include <vector>

namespace cmm {

bool parse_catalog_entry(const std::string& id, const std::string& text,
                         catalog_entry& out) {
  std::vector<std::string> fields;
  std::istringstream in(text);
  std::string field;
  while (std::getline(in, field, ','))
    fields.push_back(field);
  if (fields.size() < 2 || fields.size() > 4 || fields[0].empty() ||
      fields[1].empty())
    return false;
  out.id = id;
  out.path = fields[0];
  out.type = fields[1];
  out.device = fields.size() > 2 ? fields[2] : std::string{};
  out.dtype = fields.size() > 3 ? fields[3] : std::string{};
  return true;
}

} // namespace cmm
