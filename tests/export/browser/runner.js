// Loads each case of /cases.json (a TF.js layers model or an ONNX file), predicts on the given
// inputs, and posts {results: [{name, outputs: [{shape, data}]}]} or {error} to /results.
"use strict";

function decodeInput(input) {
  const shape = input.shape;
  if (input.dtype === "int64") {
    return {shape, dtype: input.dtype, data: BigInt64Array.from(input.data.map((v) => BigInt(v)))};
  }
  const Typed = input.dtype === "int32" ? Int32Array : Float32Array;
  return {shape, dtype: input.dtype, data: Typed.from(input.data)};
}

async function runTfjs(testCase) {
  const model = await tf.loadLayersModel(testCase.url);
  const inputs = testCase.inputs.map(decodeInput).map(
      (x) => tf.tensor(x.data, x.shape, x.dtype === "float32" ? "float32" : "int32"));
  let outputs = model.predict(inputs.length === 1 ? inputs[0] : inputs);
  outputs = Array.isArray(outputs) ? outputs : [outputs];
  const result = [];
  for (const output of outputs) {
    result.push({shape: output.shape, data: Array.from(await output.data())});
  }
  tf.dispose([inputs, outputs]);
  model.dispose();
  return result;
}

async function runOnnx(testCase) {
  const session = await ort.InferenceSession.create(testCase.url, {executionProviders: ["wasm"]});
  const feeds = {};
  testCase.inputs.forEach((input, index) => {
    const x = decodeInput(input);
    feeds[session.inputNames[index]] = new ort.Tensor(x.dtype, x.data, x.shape);
  });
  const outputs = await session.run(feeds);
  const result = session.outputNames.map((name) => ({
    shape: Array.from(outputs[name].dims), data: Array.from(outputs[name].data, Number)}));
  await session.release();
  return result;
}

async function post(payload) {
  await fetch("/results", {method: "POST", headers: {"Content-Type": "application/json"},
                           body: JSON.stringify(payload)});
}

async function main() {
  const cases = await (await fetch("/cases.json")).json();
  await tf.setBackend("cpu");  // exact float32 kernels, no GPU in headless checks
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = "/node_modules/onnxruntime-web/dist/";
  const results = [];
  for (const testCase of cases) {
    const started = performance.now();
    try {
      const outputs = testCase.runtime === "tfjs" ? await runTfjs(testCase) : await runOnnx(testCase);
      results.push({name: testCase.name, outputs, ms: performance.now() - started});
    } catch (e) {
      results.push({name: testCase.name, error: `${e && e.message}\n${e && e.stack}`});
    }
  }
  document.getElementById("log").textContent = "done";
  await post({results, tfjsVersion: tf.version.tfjs, ortVersion: ort.env.versions.common});
}

window.addEventListener("error", (e) => post({error: `page error: ${e.message}`}));
window.addEventListener("unhandledrejection", (e) => post({error: `unhandled rejection: ${e.reason}`}));
window.addEventListener("load", () => main().catch((e) => post({error: `${e.message}\n${e.stack}`})));
