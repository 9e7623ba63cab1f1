/*===- qopt-capi-test.c - Test of qopt's C API ---------------------------===*\
|*                                                                            *|
|* Registers qopt through the C API, parses a module, runs a qopt pass and    *|
|* prints the result.                                                         *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

// RUN: qopt-capi-test 2>&1 | FileCheck %s

#include "qopt-c/Dialects.h"

#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"

#include <stdio.h>
#include <stdlib.h>

static const char *kModule =
    "func.func @f(%x: tensor<1x2x8xf32>) -> tensor<1x2x4xf32> {\n"
    "  %w = \"tosa.const\"() <{values = dense<1.0> : tensor<1x8x4xf32>}> "
    ": () -> tensor<1x8x4xf32>\n"
    "  %zp = \"tosa.const\"() <{values = dense<0.0> : tensor<1xf32>}> "
    ": () -> tensor<1xf32>\n"
    "  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x2x8xf32>, "
    "tensor<1x8x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x4xf32>\n"
    "  return %y : tensor<1x2x4xf32>\n"
    "}\n";

static void printToStdout(MlirStringRef str, void *userData) {
  (void)userData;
  fwrite(str.data, 1, str.length, stdout);
}

int main(void) {
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  qoptRegisterAllDialects(registry);
  qoptRegisterAllPasses();
  MlirContext ctx = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);

  /* The qopt dialect handle works on its own as well. */
  MlirDialect qopt = mlirContextGetOrLoadDialect(
      ctx, mlirDialectHandleGetNamespace(mlirGetDialectHandle__qopt__()));
  // CHECK: dialect: qopt
  MlirStringRef ns = mlirDialectGetNamespace(qopt);
  printf("dialect: %.*s\n", (int)ns.length, ns.data);

  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(kModule));
  if (mlirModuleIsNull(module)) {
    fprintf(stderr, "parse failed\n");
    return EXIT_FAILURE;
  }

  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirOpPassManager opm = mlirPassManagerGetAsOpPassManager(pm);
  MlirLogicalResult parsed = mlirParsePassPipeline(
      opm,
      mlirStringRefCreateFromCString(
          "builtin.module(qopt-annotate-candidates{bits=4 granularity=group "
          "group-size=4})"),
      printToStdout, NULL);
  if (mlirLogicalResultIsFailure(parsed)) {
    fprintf(stderr, "pipeline parse failed\n");
    return EXIT_FAILURE;
  }
  if (mlirLogicalResultIsFailure(
          mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module)))) {
    fprintf(stderr, "pass failed\n");
    return EXIT_FAILURE;
  }
  // CHECK: tosa.matmul
  // CHECK-SAME: qopt.candidates = #qopt.candidates<[<si4, group(axis = 1, size = 4)>]>
  mlirOperationPrint(mlirModuleGetOperation(module), printToStdout, NULL);
  printf("\n");

  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
  return EXIT_SUCCESS;
}
