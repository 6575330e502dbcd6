// The 32×32 workgroup tile that matmul.wgsl and conv2d.wgsl share: As holds 32 k-rows × 32 output rows
// (as 8 vec4), Bs 32 k-rows × 32 output columns; each of the 8×8 threads owns a 4×4 block of outputs.
const TILE = 32u;
var<workgroup> As: array<array<vec4<f32>, 8>, 32>;  // [k][row / 4]
var<workgroup> Bs: array<array<vec4<f32>, 8>, 32>;  // [k][col / 4]

// acc[r] += row (4·ty + r) of As · columns 4·tx…4·tx+3 of Bs, over the tile's 32 values of k.
fn tile_fma(acc: ptr<function, array<vec4<f32>, 4>>, tx: u32, ty: u32) {
  for (var k = 0u; k < TILE; k++) {
    let av = As[k][ty];
    let bv = Bs[k][tx];
    (*acc)[0] += av.x * bv;
    (*acc)[1] += av.y * bv;
    (*acc)[2] += av.z * bv;
    (*acc)[3] += av.w * bv;
  }
}
