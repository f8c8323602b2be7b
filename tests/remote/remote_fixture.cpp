#include "remote_fixture.hpp"

#include <stdexcept>

namespace cmm::test {

node_options remote_catalog(const std::string& tiny_path) {
  node_options out;
  out.models = {
      {"echo32", "sim://echo32?bytes=1000,base,cpu,fp32"},
      {"echobf16", "sim://echobf16?bytes=1000,base,cpu,bf16"},
      {"echof16", "sim://echof16?bytes=1000,base,cpu,fp16"},
      {"tiny", tiny_path + ",base,cpu,fp32"},
      {"slow", "sim://slow?bytes=1000&load_ms=3000,base,cpu,fp32"},
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
  if (!found)
    throw std::runtime_error("cannot connect to the node: " +
                             client.sys().render(found.error()));
  supervisor = std::move(*found);
}

} // namespace cmm::test
