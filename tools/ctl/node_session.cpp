#include "node_session.hpp"

#include <cstdio>
#include <cstdlib>
#include <future>
#include <thread>

#include <caf/abstract_actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/io/middleman.hpp>

#include "cmm/remote.hpp"
#include "ctl_error.hpp"

namespace cmm::ctl {

node_session::session_config::session_config(const tls_settings& tls) {
  load<caf::io::middleman>();
  if (auto err = check_tls_settings(tls))
    throw ctl_error(exit_code::usage, err->message);
  if (auto err = enable_tls(*this, tls))
    throw ctl_error(exit_code::usage, err->message);
  // A lost node must be noticed: CAF 0.17 leaves both off by default.
  set("middleman.heartbeat-interval", caf::timespan{std::chrono::seconds{1}});
  set("middleman.connection-timeout", caf::timespan{std::chrono::seconds{5}});
  // A CLI needs few threads.
  set("scheduler.max-threads", size_t{2});
}

node_session::node_session(const ctl_options& opts)
    : address_(opts.host + ":" + std::to_string(opts.port)),
      lost_(std::make_shared<std::atomic<bool>>(false)), cfg_(opts.tls),
      sys_(cfg_), endpoint_(connect(opts)) {
  // The proxy of a remote actor terminates when its connection closes.
  caf::actor_cast<caf::abstract_actor*>(endpoint_)->attach_functor(
      [flag = lost_] { *flag = true; });
  client_ = std::make_unique<blocking_client>(
      sys_, endpoint_, std::chrono::duration_cast<caf::timespan>(opts.timeout));
}

void node_session::check_connected() const {
  if (lost())
    throw manager_error(
        {errc::manager_unavailable, "the connection to the node closed"});
}

node_session::~node_session() {
  client_.reset();
  endpoint_ = nullptr;
}

namespace {

[[noreturn]] void give_up(const std::string& line) {
  std::fflush(stdout);
  std::fprintf(stderr, "cmm-ctl: %s\n", line.c_str());
  std::_Exit(static_cast<int>(exit_code::unreachable));
}

} // namespace

operator_actor node_session::connect(const ctl_options& opts) {
  using result_type = caf::expected<operator_actor>;
  auto limit = std::chrono::duration_cast<caf::timespan>(opts.timeout);
  std::promise<result_type> done;
  auto answer = done.get_future();
  std::thread connector{[&] {
    done.set_value(connect_as_operator(sys_, opts.host, opts.port, limit));
  }};
  auto prefix = "cannot reach node at " + address_ + ": ";
  auto late = prefix + "no answer within " + to_text(opts.timeout);
  // connect_to_node keeps its own deadline; this one is a safety net.
  auto grace = opts.timeout + std::chrono::seconds{2};
  if (answer.wait_for(grace) != std::future_status::ready)
    give_up(late);
  connector.join();
  auto result = answer.get();
  if (result)
    return std::move(*result);
  if (result.error() == caf::sec::request_timeout)
    give_up(late);
  if (result.error() == caf::sec::unexpected_actor_messaging_interface)
    throw ctl_error(exit_code::unreachable,
                    prefix + "not a cmm-node operator endpoint: pass the "
                             "port cmm-node printed after 'operator "
                             "endpoint on'");
  throw ctl_error(exit_code::unreachable, prefix + sys_.render(result.error()));
}

} // namespace cmm::ctl
