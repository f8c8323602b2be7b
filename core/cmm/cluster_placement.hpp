#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cmm {

/// The node that coordinates placements of model `id` among `nodes`:
/// rendezvous (highest random weight) hashing, so every node that sees the
/// same live nodes picks the same coordinator, and a dead coordinator's
/// models spread over the survivors. None for an empty list.
std::optional<std::string>
coordinator_of(const std::string& id, const std::vector<std::string>& nodes);

/// The node with the most free bytes, ties broken by name; none if empty.
std::optional<std::string>
most_free_node(const std::map<std::string, uint64_t>& free_by_node);

} // namespace cmm
