#include "refuse_unexpected.hpp"

#include <caf/message_view.hpp>
#include <caf/node_id.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/sec.hpp>

#include "cmm/log.hpp"

namespace cmm {

namespace {

auto& log() {
  static auto instance = logger("gate");
  return instance;
}

} // namespace

caf::result<caf::message> refuse_unexpected(caf::scheduled_actor* self,
                                            caf::message_view&) {
  if (log()->should_log(spdlog::level::debug)) {
    auto& sender = self->current_sender();
    log()->debug("{} refused a message outside its interface from {}",
                 self->name(),
                 sender ? to_string(sender->node()) : std::string{"nobody"});
  }
  return caf::sec::unexpected_message;
}

} // namespace cmm
