#include "cmm/cluster_placement.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace cmm;

TEST_CASE("every node agrees on a model's coordinator", "[cluster]") {
  std::vector<std::string> nodes{"10.0.0.1:4000", "10.0.0.2:4000",
                                 "10.0.0.3:4000"};
  auto reversed = nodes;
  std::reverse(reversed.begin(), reversed.end());
  for (auto id : {"base", "custom_voice", "voice_design", "x"})
    CHECK(coordinator_of(id, nodes) == coordinator_of(id, reversed));
  CHECK_FALSE(coordinator_of("base", {}));
  CHECK(coordinator_of("base", {"only"}) == std::string{"only"});
}

TEST_CASE("coordinators spread over nodes and move only off dead nodes",
          "[cluster]") {
  std::vector<std::string> nodes{"a:1", "b:1", "c:1"};
  std::map<std::string, int> load;
  std::map<std::string, std::string> before;
  for (int i = 0; i < 300; ++i) {
    auto id = "model" + std::to_string(i);
    before[id] = *coordinator_of(id, nodes);
    ++load[before[id]];
  }
  for (auto& node : nodes)
    CHECK(load[node] > 60);
  std::vector<std::string> survivors{"a:1", "c:1"};
  for (auto& [id, node] : before)
    if (node != "b:1")
      CHECK(*coordinator_of(id, survivors) == node);
}

TEST_CASE("placement picks the node with the most free bytes", "[cluster]") {
  CHECK(most_free_node({{"a", 10}, {"b", 30}, {"c", 20}}) == std::string{"b"});
  CHECK(most_free_node({{"b", 5}, {"a", 5}}) == std::string{"a"});
  CHECK_FALSE(most_free_node({}));
}
