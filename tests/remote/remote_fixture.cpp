#include "remote_fixture.hpp"

#include <chrono>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "cmm/blocking_client.hpp"

namespace cmm::test {

node_options remote_catalog(const std::string& tiny_path) {
  node_options out;
  out.models = {
      {"echo32", "sim://echo32?bytes=1000,base,cpu,fp32"},
      {"echobf16", "sim://echobf16?bytes=1000,base,cpu,bf16"},
      {"echof16", "sim://echof16?bytes=1000,base,cpu,fp16"},
      {"tiny", tiny_path + ",base,cpu,fp32"},
      {"slow", "sim://slow?bytes=1000&load_ms=3000,base,cpu,fp32"},
      {"slowrun", "sim://slowrun?bytes=1000&infer_ms=4000,base,cpu,fp32"},
  };
  return out;
}

remote_fixture::remote_fixture() {
  blueprint.width = 16;
  blueprint.hidden = 32;
  blueprint.vocab = 50;
  write_model(dir.file("tiny.pt"), blueprint);
  node =
      std::make_unique<node_process>(dir, remote_catalog(dir.file("tiny.pt")));
  auto found = client.connect(node->port());
  auto op = client.connect_operator(node->operator_port());
  if (!found || !op)
    throw std::runtime_error(
        "cannot connect to the node: " +
        client.sys().render(found ? op.error() : found.error()));
  endpoint = std::move(*found);
  operators = std::move(*op);
}

void check_node_serves(remote_fixture& f) {
  blocking_client other{f.client.sys(), f.endpoint, std::chrono::seconds{10}};
  auto held = other.acquire(model_spec::by_id("echobf16"));
  REQUIRE(held);
  CHECK(other.get_model_info("echobf16")->refs == 1);
  CHECK(other.release_model(held) == 0);
}

std::vector<std::string>
remote_fixture::client_command(const std::string& model,
                               const std::string& mode) const {
  return {CMM_REMOTE_CLIENT, "--client.port=" + std::to_string(node->port()),
          "--client.model=" + model, mode};
}

} // namespace cmm::test
