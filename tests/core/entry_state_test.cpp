#include "cmm/entry_state.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "cmm/model_entry.hpp"

using namespace cmm;

namespace {

using s = entry_state;

const entry_state all_states[] = {s::absent, s::loading, s::ready, s::unloading,
                                  s::failed};

// The legal transitions exactly as the header documents them:
// absent -> loading -> ready -> unloading -> absent, loading -> failed,
// failed -> loading (a retry) and failed -> absent (a reset).
bool documented_legal(entry_state from, entry_state to) {
  return (from == s::absent && to == s::loading) ||
         (from == s::loading && to == s::ready) ||
         (from == s::loading && to == s::failed) ||
         (from == s::ready && to == s::unloading) ||
         (from == s::unloading && to == s::absent) ||
         (from == s::failed && to == s::loading) ||
         (from == s::failed && to == s::absent);
}

} // namespace

TEST_CASE("every entry state has a name", "[entry_state]") {
  CHECK(std::string{to_string(s::absent)} == "absent");
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
  CHECK(legal == 7);
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
      CHECK(err->code != errc::none);
      CHECK(err->message.find(std::string{to_string(from)} + " -> " +
                              to_string(to)) != std::string::npos);
    }
  }
}

TEST_CASE("model_entry::move_to follows the state machine", "[entry_state]") {
  model_entry entry;
  REQUIRE(entry.state == s::absent);
  CHECK_FALSE(entry.move_to(s::loading));
  CHECK_FALSE(entry.move_to(s::failed));
  CHECK_FALSE(entry.move_to(s::loading));
  CHECK_FALSE(entry.move_to(s::ready));
  auto err = entry.move_to(s::absent);
  REQUIRE(err);
  CHECK(entry.state == s::ready);
  CHECK_FALSE(entry.move_to(s::unloading));
  CHECK_FALSE(entry.move_to(s::absent));
  CHECK(entry.state == s::absent);
}
