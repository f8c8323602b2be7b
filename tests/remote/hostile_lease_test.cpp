// The node's leases against a hostile client: this test process, linked
// against the libraries, releases a lease that another client process holds,
// names the node's own actors as holders, and gives up on an acquire before
// the model is loaded. Each case ends by checking that the node still serves.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <thread>

#include <caf/actor_cast.hpp>
#include <caf/scoped_actor.hpp>

#include "cmm/blocking_client.hpp"
#include "cmm/error.hpp"
#include "remote_fixture.hpp"

using namespace cmm;
using namespace std::chrono_literals;

namespace {

/// A request's answer: a value or the failure.
template <class T> struct answer {
  std::optional<T> value;
  failure error;
};

template <class T, class Handle, class... Ts>
answer<T> ask(caf::actor_system& sys, const Handle& sup, caf::timespan timeout,
              Ts&&... xs) {
  caf::scoped_actor self{sys};
  answer<T> out;
  self->request(sup, timeout, std::forward<Ts>(xs)...)
      .receive([&](T& x) { out.value = std::move(x); },
               [&](caf::error& err) { out.error = to_failure(err); });
  return out;
}

/// The lease a cmm-remote-client process printed: "holding ID of NAME with
/// token HIGH LOW".
struct printed_lease {
  unsigned long long id = 0;
  lease_token token;
};

printed_lease parse_holding(const std::string& line) {
  printed_lease out;
  char name[64] = {};
  unsigned long long high = 0;
  unsigned long long low = 0;
  auto pos = line.find("holding");
  if (pos != std::string::npos)
    std::sscanf(line.c_str() + pos, "holding %llu of %63s with token %llu %llu",
                &out.id, name, &high, &low);
  out.token = {high, low};
  return out;
}

} // namespace

TEST_CASE_METHOD(test::remote_fixture,
                 "a release with a wrong token or from a foreign client is "
                 "not permitted and the holder keeps its lease",
                 "[remote][hostile]") {
  test::child_process holder{client_command("echo32", "--client.hold")};
  auto line = holder.wait_for_line("holding", 15s);
  INFO(holder.out());
  REQUIRE(line);
  auto printed = parse_holding(*line);
  REQUIRE(printed.id != 0);
  REQUIRE_FALSE(printed.token.empty());
  auto& sys = client.sys();
  auto wrong = lease_token{printed.token.high, printed.token.low ^ 1};
  auto guessed = ask<uint32_t>(sys, endpoint, 10s, release_atom_v,
                               uint64_t{printed.id}, wrong);
  CHECK(guessed.error.code == errc::not_permitted);
  CHECK(guessed.error.message.find("token is wrong") != std::string::npos);
  // The right token, but this process is not the holder's node.
  auto stolen = ask<uint32_t>(sys, endpoint, 10s, release_atom_v,
                              uint64_t{printed.id}, printed.token);
  CHECK(stolen.error.code == errc::not_permitted);
  CHECK(stolen.error.message.find("another holder") != std::string::npos);
  blocking_client observer{sys, endpoint, 10s};
  CHECK(observer.get_model_info("echo32")->refs == 1);
  holder.write_input("release\n");
  auto done = holder.wait(10s);
  REQUIRE(done);
  CHECK(done->out.find("released, 0 ref(s) left") != std::string::npos);
  test::check_node_serves(*this);
}

TEST_CASE_METHOD(test::remote_fixture,
                 "a remote acquire naming the node's endpoint, its lease's "
                 "owner or a model actor as holder is refused",
                 "[remote][hostile]") {
  auto& sys = client.sys();
  auto spec = model_spec::by_id("echo32");
  // This process's own lease, held by an actor that outlives the requests.
  caf::scoped_actor holder{sys};
  auto own = ask<lease>(sys, endpoint, 11s, acquire_atom_v, spec,
                        caf::actor{holder}, caf::timespan{10s});
  REQUIRE(own.value);
  auto as_endpoint =
      ask<lease>(sys, endpoint, 11s, acquire_atom_v, spec,
                 caf::actor_cast<caf::actor>(endpoint), caf::timespan{10s});
  CHECK(as_endpoint.error.code == errc::not_permitted);
  auto as_owner = ask<lease>(sys, endpoint, 11s, acquire_atom_v, spec,
                             caf::actor_cast<caf::actor>(own.value->owner),
                             caf::timespan{10s});
  CHECK(as_owner.error.code == errc::not_permitted);
  auto as_model = ask<lease>(sys, endpoint, 11s, acquire_atom_v, spec,
                             caf::actor_cast<caf::actor>(own.value->model),
                             caf::timespan{10s});
  CHECK(as_model.error.code == errc::not_permitted);
  blocking_client observer{sys, endpoint, 10s};
  CHECK(observer.get_model_info("echo32")->refs == 1);
  auto left = ask<uint32_t>(sys, own.value->owner, 10s, release_atom_v,
                            own.value->id, own.value->token);
  REQUIRE(left.value);
  CHECK(*left.value == 0);
  blocking_client node_operator{sys, operators, 10s};
  CHECK(node_operator.unload_model("echo32"));
  test::check_node_serves(*this);
}

TEST_CASE_METHOD(test::remote_fixture,
                 "an acquire whose caller timed out leaves no reference "
                 "behind",
                 "[remote][hostile]") {
  auto& sys = client.sys();
  // This process waits 1 s and says so; the model takes 3 s to load.
  auto gave_up =
      ask<lease>(sys, endpoint, 1s, acquire_atom_v, model_spec::by_id("slow"),
                 caf::actor{}, caf::timespan{1s});
  REQUIRE_FALSE(gave_up.value);
  // Still connected: wait until the load is done, then count.
  blocking_client observer{sys, endpoint, 10s};
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!observer.is_model_loaded("slow") &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  REQUIRE(observer.is_model_loaded("slow"));
  CHECK(observer.get_model_info("slow")->refs == 0);
  auto held = observer.acquire(model_spec::by_id("slow"));
  CHECK(observer.get_model_info("slow")->refs == 1);
  CHECK(observer.release_model(held) == 0);
  test::check_node_serves(*this);
}
