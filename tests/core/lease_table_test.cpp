#include "cmm/lease_table.hpp"

#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace cmm;

namespace {

/// Holders are names here; the empty name is no holder. Handles are ints.
using table = lease_table<std::string, int>;

const lease_token token_a{1, 2};
const lease_token token_b{3, 4};

struct release_case {
  const char* what;
  /// Who the lease was granted to.
  std::string holder;
  /// Who returns it, with which token.
  std::string caller;
  lease_token token;
  errc expected;
};

} // namespace

TEST_CASE("only the holder with the lease's token releases it",
          "[lease_table]") {
  auto c = GENERATE(values<release_case>({
      {"the holder with its token", "alice", "alice", token_a, errc::none},
      {"the holder with another token", "alice", "alice", token_b,
       errc::not_permitted},
      {"the holder with no token", "alice", "alice", lease_token{},
       errc::not_permitted},
      {"another caller with the token", "alice", "bob", token_a,
       errc::not_permitted},
      {"an anonymous caller with the token", "alice", "", token_a,
       errc::not_permitted},
      {"a lease without holder, with its token", "", "bob", token_a,
       errc::none},
      {"a lease without holder, another token", "", "bob", token_b,
       errc::not_permitted},
  }));
  CAPTURE(c.what);
  table leases;
  auto id = leases.grant("m", 1, c.holder, 7, token_a);
  auto res = leases.release(id, c.token, c.caller);
  if (c.expected == errc::none) {
    REQUIRE(res);
    CHECK(res->model == "m");
    CHECK(res->generation == 1);
    CHECK(res->holder == c.holder);
    CHECK(res->handle == 7);
    CHECK(res->token == token_a);
    CHECK_FALSE(res->revoked);
    CHECK(leases.empty());
    CHECK_FALSE(leases.holds(c.holder));
    auto again = leases.release(id, c.token, c.caller);
    REQUIRE_FALSE(again);
    CHECK(again.error().code == errc::unknown_lease);
  } else {
    REQUIRE_FALSE(res);
    CHECK(res.error().code == c.expected);
    CHECK(leases.count("m", 1) == 1);
    CHECK(leases.holds(c.holder) == !c.holder.empty());
    CHECK(leases.release(id, token_a, c.holder));
  }
}

TEST_CASE("a lease the table does not hold is unknown", "[lease_table]") {
  table leases;
  for (auto id : {0, 1, 42}) {
    CAPTURE(id);
    auto checked = leases.release(id, token_a, "alice");
    REQUIRE_FALSE(checked);
    CHECK(checked.error().code == errc::unknown_lease);
  }
}

TEST_CASE("release_if lets whoever acts for the holder return a lease",
          "[lease_table]") {
  table leases;
  // Holders are "actor@node" here; anyone on the holder's node acts for it.
  auto same_node = [](std::string caller) {
    return [caller](const std::string& holder) {
      return holder.substr(holder.find('@')) == caller.substr(caller.find('@'));
    };
  };
  auto id = leases.grant("m", 1, "alice@n1", 7, token_a);
  auto foreign = leases.release_if(id, token_a, same_node("bob@n2"));
  REQUIRE_FALSE(foreign);
  CHECK(foreign.error().code == errc::not_permitted);
  CHECK(foreign.error().message.find("another holder") != std::string::npos);
  auto wrong = leases.release_if(id, token_b, same_node("carol@n1"));
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == errc::not_permitted);
  CHECK(wrong.error().message.find("token is wrong") != std::string::npos);
  CHECK(leases.holds("alice@n1"));
  auto res = leases.release_if(id, token_a, same_node("carol@n1"));
  REQUIRE(res);
  CHECK(res->holder == "alice@n1");
  CHECK_FALSE(leases.holds("alice@n1"));
}

TEST_CASE("grant hands out distinct ids, never 0", "[lease_table]") {
  table leases;
  std::set<uint64_t> ids;
  for (int i = 0; i < 100; ++i) {
    auto token = draw_lease_token();
    auto id = leases.grant("m", 1, "alice", 7, token);
    CHECK(id != 0);
    ids.insert(id);
    if (i % 2 == 0)
      CHECK(leases.release(id, token, "alice"));
  }
  CHECK(ids.size() == 100);
}

TEST_CASE("revoke_holder takes back every lease of one holder",
          "[lease_table]") {
  table leases;
  auto a1 = leases.grant("m", 1, "alice", 7, token_a);
  auto a2 = leases.grant("n", 1, "alice", 8, token_a);
  auto b1 = leases.grant("m", 1, "bob", 7, token_b);
  auto taken = leases.revoke_holder("alice");
  REQUIRE(taken.size() == 2);
  std::set<std::string> models{taken[0].model, taken[1].model};
  CHECK(models == std::set<std::string>{"m", "n"});
  CHECK_FALSE(leases.holds("alice"));
  CHECK(leases.holds("bob"));
  CHECK_FALSE(leases.release(a1, token_a, "alice"));
  CHECK_FALSE(leases.release(a2, token_a, "alice"));
  CHECK(leases.revoke_holder("alice").empty());
  CHECK(leases.revoke_holder("carol").empty());
  CHECK(leases.release(b1, token_b, "bob"));
  CHECK(leases.empty());
}

TEST_CASE("revoke takes one lease back without holder or token, once",
          "[lease_table]") {
  table leases;
  auto a1 = leases.grant("m", 1, "alice", 7, token_a);
  auto b1 = leases.grant("m", 1, "bob", 7, token_b);
  auto taken = leases.revoke(a1);
  REQUIRE(taken);
  CHECK(taken->holder == "alice");
  CHECK(taken->handle == 7);
  CHECK_FALSE(leases.holds("alice"));
  CHECK_FALSE(leases.revoke(a1));
  CHECK_FALSE(leases.revoke(b1 + 100));
  CHECK(leases.release(a1, token_a, "alice").error().code ==
        errc::unknown_lease);
  CHECK(leases.size() == 1);
  CHECK(leases.release(b1, token_b, "bob"));
}

TEST_CASE("revoke_model marks a model's leases; their holders still return "
          "them",
          "[lease_table]") {
  table leases;
  auto a = leases.grant("m", 1, "alice", 7, token_a);
  auto b = leases.grant("m", 1, "bob", 7, token_b);
  auto other = leases.grant("n", 4, "bob", 9, token_b);
  CHECK(leases.revoke_model("m") == 2);
  CHECK(leases.revoke_model("m") == 0);
  CHECK(leases.count("m", 1) == 2);
  // A new instance of the model: its leases are not the revoked ones.
  auto fresh = leases.grant("m", 2, "alice", 10, token_a);
  CHECK(leases.count("m", 2) == 1);
  auto first = leases.release(a, token_a, "alice");
  REQUIRE(first);
  CHECK(first->revoked);
  CHECK(leases.count("m", 1) == 1);
  auto second = leases.release(b, token_b, "bob");
  REQUIRE(second);
  CHECK(second->revoked);
  CHECK(leases.count("m", 1) == 0);
  auto kept = leases.release(other, token_b, "bob");
  REQUIRE(kept);
  CHECK_FALSE(kept->revoked);
  auto current = leases.release(fresh, token_a, "alice");
  REQUIRE(current);
  CHECK_FALSE(current->revoked);
  CHECK(leases.empty());
}

namespace {

struct count_case {
  const char* what;
  std::string model;
  uint64_t generation;
  uint32_t expected;
};

} // namespace

TEST_CASE("count tells the leases on one instance of a model",
          "[lease_table]") {
  table leases;
  leases.grant("m", 1, "alice", 7, token_a);
  leases.grant("m", 1, "bob", 7, token_b);
  leases.grant("m", 2, "alice", 8, token_a);
  leases.grant("n", 1, "", 9, token_b);
  auto c = GENERATE(values<count_case>({
      {"two holders", "m", 1, 2},
      {"a later instance", "m", 2, 1},
      {"no holder", "n", 1, 1},
      {"an instance without leases", "m", 3, 0},
      {"an unknown model", "x", 1, 0},
  }));
  CAPTURE(c.what);
  CHECK(leases.count(c.model, c.generation) == c.expected);
}

TEST_CASE("lease tokens are drawn fresh, never empty", "[lease_token]") {
  std::set<std::pair<uint64_t, uint64_t>> seen;
  for (int i = 0; i < 1000; ++i) {
    auto t = draw_lease_token();
    CHECK_FALSE(t.empty());
    seen.emplace(t.high, t.low);
  }
  CHECK(seen.size() == 1000);
  CHECK(lease_token{}.empty());
  CHECK(lease_token{1, 2} == lease_token{1, 2});
  CHECK(lease_token{1, 2} != lease_token{1, 3});
  CHECK(lease_token{1, 2} != lease_token{2, 2});
}
