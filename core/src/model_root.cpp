#include "cmm/model_root.hpp"

#include <filesystem>

namespace cmm {

result<std::string> resolve_in_root(const std::string& root,
                                    const std::string& path) {
  namespace fs = std::filesystem;
  if (path.rfind("sim://", 0) == 0)
    return path;
  std::error_code ec;
  auto base = fs::weakly_canonical(fs::absolute(root), ec);
  if (ec)
    return failure{errc::invalid_spec,
                   "model root '" + root +
                       "' cannot be resolved: " + ec.message()};
  fs::path candidate{path};
  if (candidate.is_relative())
    candidate = base / candidate;
  auto resolved = fs::weakly_canonical(candidate, ec);
  if (ec)
    return failure{errc::invalid_spec,
                   "'" + path + "' cannot be resolved: " + ec.message()};
  auto rel = resolved.lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..")
    return failure{errc::not_permitted, "'" + path +
                                            "' resolves outside the model "
                                            "root '" +
                                            base.string() + "'"};
  return resolved.string();
}

} // namespace cmm
