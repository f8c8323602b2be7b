#include "cmm/blocking_client.hpp"

#include <algorithm>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "cmm/error.hpp"
#include "cmm/model_manager.hpp"

namespace cmm {

manager_error::manager_error(failure reason)
    : std::runtime_error(to_string(reason)), reason_(std::move(reason)) {
  // nop
}

namespace {

/// Holds the client's leases: its lifetime is what the supervisor watches,
/// and scoped leases send their releases as it, so it receives (and drops)
/// the answers. A class, since
/// CAF 0.17 dereferences a null argument tuple when spawning a function
/// without arguments (UBSan reports it).
class lease_holder : public caf::event_based_actor {
public:
  using caf::event_based_actor::event_based_actor;

  caf::behavior make_behavior() override {
    return {[](caf::ok_atom) {}, [](uint32_t) {}, [](const caf::error&) {}};
  }
};

} // namespace

blocking_client::blocking_client(caf::actor_system& sys, caf::timespan timeout)
    : blocking_client(sys, find_supervisor(sys), timeout) {
  // nop
}

blocking_client::blocking_client(caf::actor_system& sys,
                                 supervisor_actor supervisor,
                                 caf::timespan timeout)
    : blocking_client(sys, operator_actor{std::move(supervisor)}, timeout) {
  // nop
}

blocking_client::blocking_client(caf::actor_system& sys,
                                 operator_actor node_operator,
                                 caf::timespan timeout)
    : blocking_client(sys, client_actor{node_operator}, timeout) {
  operator_ = std::move(node_operator);
}

blocking_client::blocking_client(caf::actor_system& sys, client_actor client,
                                 caf::timespan timeout)
    : sys_(sys), client_(std::move(client)), timeout_(timeout) {
  if (!client_)
    throw manager_error({errc::manager_unavailable,
                         "no model manager runs in this actor system"});
  holder_ = sys.spawn<lease_holder>();
}

const operator_actor& blocking_client::operator_handle() const {
  if (!operator_)
    throw manager_error({errc::not_permitted,
                         "this client reaches the node's client "
                         "endpoint: connect to its operator endpoint "
                         "to unload, clean up, reset, preload or read "
                         "devices"});
  return operator_;
}

blocking_client::~blocking_client() {
  caf::anon_send_exit(holder_, caf::exit_reason::user_shutdown);
}

std::unique_ptr<caf::scoped_actor> blocking_client::borrow_caller() {
  {
    std::lock_guard<std::mutex> guard{callers_mtx_};
    if (!idle_callers_.empty()) {
      auto caller = std::move(idle_callers_.back());
      idle_callers_.pop_back();
      return caller;
    }
  }
  return std::make_unique<caf::scoped_actor>(sys_);
}

void blocking_client::return_caller(std::unique_ptr<caf::scoped_actor> caller) {
  std::lock_guard<std::mutex> guard{callers_mtx_};
  idle_callers_.push_back(std::move(caller));
}

template <class T, class Handle, class... Ts>
T blocking_client::call(const Handle& dest, Ts&&... xs) {
  return call_within<T>(timeout_, dest, std::forward<Ts>(xs)...);
}

template <class T, class Handle, class... Ts>
T blocking_client::call_within(caf::timespan timeout, const Handle& dest,
                               Ts&&... xs) {
  auto self = borrow_caller();
  std::optional<T> out;
  caf::error err;
  (*self)
      ->request(dest, timeout, std::forward<Ts>(xs)...)
      .receive([&](T& x) { out = std::move(x); },
               [&](caf::error& x) { err = std::move(x); });
  // A call that timed out may still be answered: that caller's mailbox is
  // not reused.
  if (err != caf::sec::request_timeout)
    return_caller(std::move(self));
  if (err)
    throw manager_error(to_failure(err));
  return std::move(*out);
}

scoped_lease blocking_client::load_model(const std::string& path,
                                         const std::string& type,
                                         const std::string& device) {
  return acquire(model_spec::by_path(path, type, device));
}

scoped_lease blocking_client::acquire(const model_spec& spec) {
  auto granted = call_within<lease>(timeout_ + reply_margin, client_,
                                    acquire_atom_v, spec, holder_, timeout_);
  return scoped_lease{client_, std::move(granted), holder_};
}

uint32_t blocking_client::release_model(scoped_lease& held) {
  auto& granted = held.get();
  auto owner = granted.owner ? granted.owner : client_;
  auto refs = call<uint32_t>(owner, release_atom_v, granted.id, granted.token);
  held.dismiss();
  return refs;
}

std::vector<tensor> blocking_client::infer(const lease& held,
                                           std::vector<tensor> inputs) {
  return call<std::vector<tensor>>(held.model, infer_atom_v, std::move(inputs));
}

std::vector<tensor> blocking_client::infer_once(const model_spec& spec,
                                                std::vector<tensor> inputs) {
  return call_within<std::vector<tensor>>(timeout_ + timeout_ + reply_margin,
                                          client_, run_atom_v, spec, timeout_,
                                          std::move(inputs));
}

bool blocking_client::unload_model(const std::string& name, bool force) {
  return call<bool>(operator_handle(), unload_atom_v, name, force);
}

std::vector<std::string> blocking_client::cleanup_idle_models() {
  return call<std::vector<std::string>>(operator_handle(), cleanup_atom_v);
}

uint32_t blocking_client::unload_all(bool force) {
  return call<uint32_t>(operator_handle(), unload_all_atom_v, force);
}

bool blocking_client::is_model_loaded(const std::string& name) {
  return call<bool>(client_, is_loaded_atom_v, name);
}

std::vector<model_info> blocking_client::get_cached_models() {
  auto rows = list_models();
  rows.erase(std::remove_if(rows.begin(), rows.end(),
                            [](auto& row) { return row.state == "absent"; }),
             rows.end());
  return rows;
}

std::vector<model_info> blocking_client::list_models() {
  return call<std::vector<model_info>>(client_, list_atom_v);
}

std::optional<model_info>
blocking_client::get_model_info(const std::string& name) {
  try {
    return call<model_info>(client_, info_atom_v, name);
  } catch (const manager_error& err) {
    if (err.code() == errc::unknown_model)
      return std::nullopt;
    throw;
  }
}

bool blocking_client::reset_model(const std::string& name) {
  return call<bool>(operator_handle(), reset_atom_v, name);
}

model_info blocking_client::preload(const model_spec& spec) {
  return call<model_info>(operator_handle(), preload_atom_v, spec);
}

std::vector<device_budget> blocking_client::devices() {
  return call<std::vector<device_budget>>(operator_handle(), devices_atom_v);
}

} // namespace cmm
