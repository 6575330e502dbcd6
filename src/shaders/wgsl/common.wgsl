// Helpers every shader includes. Shapes and strides travel in uniforms as array<vec4<u32>, 2> (up to 8
// dims); `dim(a, k)` reads entry k. Large 1-D dispatches are split over x and y (65535 workgroups a side).

fn flat_id(wid: vec3<u32>, nwg: vec3<u32>, lid: u32, wg: u32) -> u32 {
  return (wid.y * nwg.x + wid.x) * wg + lid;
}

fn dim(a: array<vec4<u32>, 2>, k: u32) -> u32 {
  return a[k / 4u][k % 4u];
}

// Index k along an axis of length len (Gather, Scatter): counted from the end when negative; -1 when out
// of range.
fn axis_index(k: i32, len: u32) -> i32 {
  let j = select(k, k + i32(len), k < 0);
  return select(-1, j, j >= 0 && u32(j) < len);
}

// Every storage binding is declared read_write, inputs included: tensors are sub-allocated from shared
// buffers, and WebGPU forbids one buffer being both read-only and writable storage in one dispatch.
