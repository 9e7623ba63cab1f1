/* A user of a compiled model library: includes the generated header, links
 * the library, prints its descriptors, runs it on x[i] = (i % 7) / 4 - 0.75
 * and writes the output's raw float32 bytes to argv[1]. */
#include "libtiny.h"

#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  printf("inputs %d outputs %d\n", tiny_num_inputs(), tiny_num_outputs());
  const qopt_tensor_desc *in = tiny_input_desc(0);
  const qopt_tensor_desc *out = tiny_output_desc(0);
  printf("input %s dtype %d rank %d shape %lldx%lldx%lld bytes %lld\n",
         in->name, in->dtype, in->rank, (long long)in->shape[0],
         (long long)in->shape[1], (long long)in->shape[2],
         (long long)in->size_bytes);
  printf("output %s dtype %d bytes %lld\n", out->name, out->dtype,
         (long long)out->size_bytes);
  printf("out of range: %s\n", tiny_input_desc(1) ? "desc" : "NULL");
  printf("bad isa: %s\n", tiny_create_with_isa(99) ? "model" : "NULL");

  tiny_t *model = tiny_create();
  float x[TINY_NUM_INPUTS * 16], y[6];
  for (int i = 0; i < 16; ++i)
    x[i] = (float)(i % 7) / 4.0f - 0.75f;
  const void *inputs[] = {x};
  void *outputs[] = {y};
  printf("workspace: %s\n", tiny_workspace_bytes() > 0 ? "yes" : "no");
  printf("run: %d\n", tiny_run(model, inputs, outputs));
  /* The instance's workspace is reused: a second run gives the same bytes. */
  float y2[6];
  void *outputs2[] = {y2};
  tiny_run(model, inputs, outputs2);
  int same = 1;
  for (int i = 0; i < 6; ++i)
    same &= y[i] == y2[i];
  printf("second run: %s\n", same ? "same" : "DIFFERENT");
  printf("run without outputs: %d\n", tiny_run(model, inputs, NULL));
  tiny_destroy(model);

  FILE *f = fopen(argv[1], "wb");
  if (!f || fwrite(y, sizeof(float), 6, f) != 6)
    return 1;
  fclose(f);
  return 0;
}
