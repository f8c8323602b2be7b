#pragma once

#include <map>
#include <string>

namespace cmm {

/// One named model a node serves: remote callers name models by `id` only.
/// Empty `device` or `dtype` mean the manager's defaults.
struct catalog_entry {
  std::string id;
  std::string path;
  std::string type;
  std::string device;
  std::string dtype;
};

/// Catalog entries by id.
using catalog = std::map<std::string, catalog_entry>;

/// Parses the config form `path,type[,device[,dtype]]` of one entry.
bool parse_catalog_entry(const std::string& id, const std::string& text,
                         catalog_entry& out);

} // namespace cmm
