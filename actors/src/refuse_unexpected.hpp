#pragma once

#include <caf/fwd.hpp>
#include <caf/result.hpp>

namespace cmm {

/// Default handler for actors that other processes can reach: a message
/// outside the actor's interface is answered with `unexpected_message` and
/// logged at debug level by its sender's node only. CAF's own default
/// prints every such message, content included, to stdout.
caf::result<caf::message> refuse_unexpected(caf::scheduled_actor* self,
                                            caf::message_view& msg);

} // namespace cmm
