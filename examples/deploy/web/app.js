// The deploy example's page: an 8x8 digit (drawn, or picked from samples.json) goes through the
// TF.js export (model/model.json) and the ONNX export (model.onnx) of the same cornu model.
"use strict";

const SIZE = 8;
const pad = document.getElementById("pad");
const context = pad.getContext("2d");
let tfModel = null;
let onnxSession = null;

async function loadModels() {
  await tf.setBackend("cpu");
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = "/vendor/ort/";
  tfModel = await tf.loadLayersModel("model/model.json");
  onnxSession = await ort.InferenceSession.create("model.onnx", {executionProviders: ["wasm"]});
}

// pixels: SIZE*SIZE numbers in 0..16, as the digits data set stores them.
async function predictTfjs(pixels) {
  const input = tf.tensor(pixels, [1, SIZE, SIZE, 1], "float32");
  const output = tfModel.predict(input);
  const probabilities = Array.from(await output.data());
  tf.dispose([input, output]);
  return probabilities;
}

async function predictOnnx(pixels) {
  const input = new ort.Tensor("float32", Float32Array.from(pixels), [1, SIZE, SIZE, 1]);
  const outputs = await onnxSession.run({[onnxSession.inputNames[0]]: input});
  return Array.from(outputs[onnxSession.outputNames[0]].data);
}

function show(tableId, probabilities) {
  const best = probabilities.indexOf(Math.max(...probabilities));
  document.getElementById(tableId).innerHTML = probabilities.map((p, digit) =>
    `<tr class="${digit === best ? "top" : ""}"><td>${digit}</td>` +
    `<td><span class="bar" style="width:${Math.round(p * 120)}px"></span></td><td>${p.toFixed(3)}</td></tr>`).join("");
}

async function classify(pixels) {
  show("tfjs", await predictTfjs(pixels));
  show("onnx", await predictOnnx(pixels));
}

// The drawing pad (160x160) averaged down to 8x8 and scaled to 0..16.
function padPixels() {
  const data = context.getImageData(0, 0, pad.width, pad.height).data;
  const cell = pad.width / SIZE;
  const pixels = [];
  for (let row = 0; row < SIZE; row++) {
    for (let col = 0; col < SIZE; col++) {
      let sum = 0;
      for (let y = row * cell; y < (row + 1) * cell; y++) {
        for (let x = col * cell; x < (col + 1) * cell; x++) sum += data[(y * pad.width + x) * 4];
      }
      pixels.push((sum / (cell * cell)) / 255 * 16);
    }
  }
  return pixels;
}

function paint(canvas, pixels) {
  const ctx = canvas.getContext("2d");
  const cell = canvas.width / SIZE;
  pixels.forEach((value, i) => {
    const level = Math.round(value / 16 * 255);
    ctx.fillStyle = `rgb(${level},${level},${level})`;
    ctx.fillRect((i % SIZE) * cell, Math.floor(i / SIZE) * cell, cell, cell);
  });
}

function clearPad() {
  context.fillStyle = "#000";
  context.fillRect(0, 0, pad.width, pad.height);
}

function setUpDrawing() {
  let drawing = false;
  const stroke = (event) => {
    if (!drawing) return;
    const box = pad.getBoundingClientRect();
    context.fillStyle = "#fff";
    context.beginPath();
    context.arc(event.clientX - box.left, event.clientY - box.top, 11, 0, 2 * Math.PI);
    context.fill();
  };
  pad.addEventListener("pointerdown", (event) => { drawing = true; stroke(event); });
  pad.addEventListener("pointermove", stroke);
  window.addEventListener("pointerup", () => { if (drawing) { drawing = false; classify(padPixels()); } });
  document.getElementById("clear").onclick = clearPad;
  document.getElementById("classify").onclick = () => classify(padPixels());
  clearPad();
}

function showSamples(samples) {
  const holder = document.getElementById("samples");
  samples.forEach((sample) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 40;
    const cornuBest = sample.cornu.indexOf(Math.max(...sample.cornu));
    canvas.title = `label ${sample.label} · cornu predicted ${cornuBest}`;
    paint(canvas, sample.pixels.flat());
    canvas.onclick = () => { paint(pad, sample.pixels.flat()); classify(sample.pixels.flat()); };
    holder.appendChild(canvas);
  });
}

// With ?report in the URL the page classifies every sample with both runtimes and posts the
// probabilities to /results (the browser test of this example uses it).
async function report(samples) {
  const results = [];
  for (const [index, sample] of samples.entries()) {
    const pixels = sample.pixels.flat();
    results.push({name: `tfjs/${index}`, outputs: [{shape: [10], data: await predictTfjs(pixels)}]});
    results.push({name: `onnx/${index}`, outputs: [{shape: [10], data: await predictOnnx(pixels)}]});
  }
  await fetch("/results", {method: "POST", body: JSON.stringify({results})});
}

async function main() {
  const data = await (await fetch("samples.json")).json();
  await loadModels();
  document.getElementById("status").textContent =
    `Trained with cornu on ${data.backend} (test accuracy ${(100 * data.accuracy).toFixed(1)}%); ` +
    `running TF.js ${tf.version.tfjs} and onnxruntime-web ${ort.env.versions.common} in this page.`;
  setUpDrawing();
  showSamples(data.samples);
  paint(pad, data.samples[0].pixels.flat());
  await classify(data.samples[0].pixels.flat());
  if (new URLSearchParams(location.search).has("report")) await report(data.samples);
}

main().catch((error) => {
  document.getElementById("status").textContent = `Error: ${error.message}`;
  if (new URLSearchParams(location.search).has("report")) {
    fetch("/results", {method: "POST", body: JSON.stringify({error: `${error.message}\n${error.stack}`})});
  }
});
