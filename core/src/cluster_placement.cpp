#include "cmm/cluster_placement.hpp"

namespace cmm {

namespace {

/// FNV-1a over the id and the node name, then a 64-bit finalizer so that
/// similar names spread well.
uint64_t weight(const std::string& id, const std::string& node) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](const std::string& s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  mix(id);
  h ^= 0xff;
  mix(node);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

} // namespace

std::optional<std::string>
coordinator_of(const std::string& id, const std::vector<std::string>& nodes) {
  std::optional<std::string> best;
  uint64_t best_weight = 0;
  for (auto& node : nodes) {
    auto w = weight(id, node);
    if (!best || w > best_weight || (w == best_weight && node < *best)) {
      best = node;
      best_weight = w;
    }
  }
  return best;
}

std::optional<std::string>
most_free_node(const std::map<std::string, uint64_t>& free_by_node) {
  std::optional<std::string> best;
  uint64_t best_free = 0;
  for (auto& [node, free] : free_by_node) {
    if (!best || free > best_free) {
      best = node;
      best_free = free;
    }
  }
  return best;
}

} // namespace cmm
