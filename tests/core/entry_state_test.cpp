#include "cmm/entry_state.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cmm/model_entry.hpp"

using namespace cmm;

namespace {

using s = entry_state;

const entry_state all_states[] = {s::absent,  s::sizing, s::waiting,
                                  s::loading, s::ready,  s::unloading,
                                  s::failed};

// The legal transitions exactly as the header documents them:
// absent -> sizing -> loading -> ready -> unloading -> absent,
// loading -> failed, failed -> sizing (a retry) and failed -> absent (a
// reset); sizing -> waiting (for room) and sizing -> absent (nobody waits,
// never fits, sizing too slow); waiting -> loading, waiting -> absent (a
// deadline), loading -> waiting (out of memory, waiting for evictions) and
// loading -> absent (a load cancelled by a forced unload).
bool documented_legal(entry_state from, entry_state to) {
  return (from == s::absent && to == s::sizing) ||
         (from == s::sizing && to == s::loading) ||
         (from == s::loading && to == s::ready) ||
         (from == s::ready && to == s::unloading) ||
         (from == s::unloading && to == s::absent) ||
         (from == s::loading && to == s::failed) ||
         (from == s::failed && to == s::sizing) ||
         (from == s::failed && to == s::absent) ||
         (from == s::sizing && to == s::waiting) ||
         (from == s::sizing && to == s::absent) ||
         (from == s::waiting && to == s::loading) ||
         (from == s::waiting && to == s::absent) ||
         (from == s::loading && to == s::waiting) ||
         (from == s::loading && to == s::absent);
}

} // namespace

TEST_CASE("every entry state has a name", "[entry_state]") {
  CHECK(std::string{to_string(s::absent)} == "absent");
  CHECK(std::string{to_string(s::sizing)} == "sizing");
  CHECK(std::string{to_string(s::waiting)} == "waiting");
  CHECK(std::string{to_string(s::loading)} == "loading");
  CHECK(std::string{to_string(s::ready)} == "ready");
  CHECK(std::string{to_string(s::unloading)} == "unloading");
  CHECK(std::string{to_string(s::failed)} == "failed");
}

TEST_CASE("is_legal_transition matches the documented table", "[entry_state]") {
  int legal = 0;
  for (auto from : all_states) {
    for (auto to : all_states) {
      CAPTURE(to_string(from), to_string(to));
      auto expected = documented_legal(from, to);
      CHECK(is_legal_transition(from, to) == expected);
      if (expected)
        ++legal;
    }
  }
  CHECK(legal == 14);
}

TEST_CASE("no state may move to itself", "[entry_state]") {
  for (auto x : all_states) {
    CAPTURE(to_string(x));
    CHECK_FALSE(is_legal_transition(x, x));
  }
}

TEST_CASE("check_transition names both states of an illegal move",
          "[entry_state]") {
  for (auto from : all_states) {
    for (auto to : all_states) {
      CAPTURE(to_string(from), to_string(to));
      auto err = check_transition(from, to);
      if (documented_legal(from, to)) {
        CHECK_FALSE(err);
        continue;
      }
      REQUIRE(err);
      CHECK(err->code == errc::illegal_transition);
      CHECK(err->message.find(std::string{to_string(from)} + " -> " +
                              to_string(to)) != std::string::npos);
    }
  }
}

namespace {

struct walk_case {
  const char* what;
  std::vector<entry_state> path;
};

} // namespace

TEST_CASE("model_entry::transition_to walks every documented path",
          "[entry_state]") {
  auto c = GENERATE(values<walk_case>({
      {"size, load, use, unload",
       {s::sizing, s::loading, s::ready, s::unloading, s::absent}},
      {"fail, retry",
       {s::sizing, s::loading, s::failed, s::sizing, s::loading, s::ready}},
      {"fail, reset", {s::sizing, s::loading, s::failed, s::absent}},
      {"wait for room, then load",
       {s::sizing, s::waiting, s::loading, s::ready}},
      {"wait for room, give up", {s::sizing, s::waiting, s::absent}},
      {"nobody waits once sized", {s::sizing, s::absent}},
      {"a forced unload cancels the load", {s::sizing, s::loading, s::absent}},
      {"out of memory: wait for evictions, load again",
       {s::sizing, s::loading, s::waiting, s::loading, s::ready}},
  }));
  CAPTURE(c.what);
  model_entry entry;
  for (auto next : c.path) {
    CAPTURE(to_string(entry.state), to_string(next));
    CHECK_FALSE(entry.transition_to(next));
    CHECK(entry.state == next);
  }
}

TEST_CASE("model_entry::transition_to refuses an illegal move and stays",
          "[entry_state]") {
  for (auto from : all_states) {
    for (auto to : all_states) {
      if (documented_legal(from, to))
        continue;
      CAPTURE(to_string(from), to_string(to));
      model_entry entry;
      entry.state = from;
      auto err = entry.transition_to(to);
      REQUIRE(err);
      CHECK(err->code == errc::illegal_transition);
      CHECK(entry.state == from);
    }
  }
}
