/**
 * Motion of one frame. (dx, dy): camera translation since the previous frame in pixels (0 for frame 0), so the
 * content at pixel (x, y) of frame i is at (x + dx, y + dy) in frame i - 1. (lengthPx, angleRad): the linear
 * motion blur of the frame's exposure, a box of lengthPx pixels along the direction angleRad (from +x towards +y,
 * i.e. image right towards image down); lengthPx = 0 means the blurred frame equals the sharp one.
 */
export interface FrameMotion {
  readonly dx: number;
  readonly dy: number;
  readonly lengthPx: number;
  readonly angleRad: number;
}
