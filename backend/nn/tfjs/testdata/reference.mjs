// The reference for our MobileNetV2 cut: the npm package's own model, loaded by the
// package's own loader into TF.js's CPU backend, cut at block_10_project_BN.
//   node reference.mjs IN.f32 N SIZE OUT.f32
// IN holds N images, SIZE x SIZE x 3, float32 in [0,1]; they are mapped to [-1,1] as
// Keras' MobileNetV2 preprocessing does. OUT gets the (N, SIZE/16, SIZE/16, 96)
// activations of block_10_project_BN, float32, and one line of JSON goes to stdout.
import { readFileSync, writeFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { load } from "nsfwjs";

const [input, n, size, output] = process.argv.slice(2);
await tf.setBackend("cpu");
const net = await load("MobileNetV2");
const cut = tf.model({ inputs: net.model.inputs, outputs: net.model.getLayer("block_10_project_BN").output });
const buf = readFileSync(input);
const x = tf.tensor4d(new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4), [+n, +size, +size, 3]);
const y = cut.predict(x.mul(2).sub(1));
writeFileSync(output, Buffer.from((await y.data()).buffer));
console.log(JSON.stringify({ backend: tf.getBackend(), tfjs: tf.version.tfjs, shape: y.shape }));
