// Compiled by CmmTorchStandard.cmake: does libtorch build at this standard?
#include <torch/script.h>

int main() {
  return 0;
}
