#include "cmm/catalog.hpp"

#include <sstream>

#include "cmm/duration_text.hpp"
#include <vector>

namespace cmm {

catalog_entry::catalog_entry(std::string id, std::string path, std::string type,
                             std::string device, std::string dtype)
    : id(std::move(id)), path(std::move(path)), type(std::move(type)),
      device(std::move(device)), dtype(std::move(dtype)) {
  // nop
}

namespace {

bool apply_option(const std::string& option, catalog_entry& entry) {
  if (option == "pin") {
    entry.pinned = true;
    return true;
  }
  if (option == "demote") {
    entry.demote = true;
    return true;
  }
  auto eq = option.find('=');
  if (eq == std::string::npos)
    return false;
  auto key = option.substr(0, eq);
  auto value = option.substr(eq + 1);
  if (key == "warmup") {
    entry.warmup = parse_warmup_spec(value);
    return entry.warmup.has_value();
  }
  if (key == "load-timeout") {
    auto timeout = parse_duration(value);
    if (!timeout || timeout->count() <= 0)
      return false;
    entry.load_timeout = *timeout;
    return true;
  }
  if (key == "batch") {
    auto policy = parse_batch_policy(value);
    if (policy)
      entry.batch = *policy;
    return policy.has_value();
  }
  if (key == "fallback") {
    auto colon = value.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == value.size())
      return false;
    entry.fallbacks.push_back(
        {value.substr(0, colon), value.substr(colon + 1)});
    return true;
  }
  return false;
}

} // namespace

bool parse_catalog_entry(const std::string& id, const std::string& text,
                         catalog_entry& out) {
  std::vector<std::string> fields;
  std::istringstream in(text);
  std::string field;
  while (std::getline(in, field, ','))
    fields.push_back(field);
  if (fields.size() < 2 || fields[0].empty() || fields[1].empty())
    return false;
  catalog_entry entry{id, fields[0], fields[1]};
  if (fields.size() > 2)
    entry.device = fields[2];
  if (fields.size() > 3)
    entry.dtype = fields[3];
  for (size_t i = 4; i < fields.size(); ++i)
    if (!apply_option(fields[i], entry))
      return false;
  out = std::move(entry);
  return true;
}

} // namespace cmm
