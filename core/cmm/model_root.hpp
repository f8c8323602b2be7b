#pragma once

#include <string>

#include "cmm/result.hpp"

namespace cmm {

/// Resolves a catalog path inside a node's model root: relative paths are
/// taken from the root, and the result (after `..` and symlinks are
/// resolved) must stay inside it; otherwise `not_permitted`. Simulated
/// (`sim://`) paths pass unchanged.
result<std::string> resolve_in_root(const std::string& root,
                                    const std::string& path);

} // namespace cmm
