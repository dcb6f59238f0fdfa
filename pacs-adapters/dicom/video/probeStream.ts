import { execFile } from 'node:child_process';
import { TailBuffer, toolStartError } from '../../capsule/externalTool.js';
import { pacsError } from '../../errors.js';

/** What the stream's own headers say, read by ffprobe without decoding it. */
export interface StreamFacts {
  /** ffprobe codec_name of the first video stream ("" when there is none). */
  readonly codec: string;
  readonly width: number;
  readonly height: number;
  /** Frames per second the stream declares, when it declares one. */
  readonly fps?: number;
}

export interface ProbeStreamOptions {
  readonly ffprobePath?: string;
  readonly signal?: AbortSignal;
}

/**
 * Probes a video stream file's first video stream from its headers only (elementary streams carry no frame count,
 * so nothing is counted here; the decode counts). Runs ffprobe without a shell.
 * @param file - the temp file holding the stream
 * @throws PACS_ERR_TOOL_MISSING when ffprobe cannot be started; PACS_ERR_VIDEO when it fails or finds no video stream
 */
export function probeStream(file: string, options: ProbeStreamOptions = {}): Promise<StreamFacts> {
  const ffprobe = options.ffprobePath ?? 'ffprobe';
  const args = [
    ...['-v', 'error', '-select_streams', 'v:0'],
    ...['-show_entries', 'stream=codec_name,width,height,avg_frame_rate,r_frame_rate', '-of', 'json', file],
  ];
  return new Promise((resolve, reject) => {
    execFile(
      ffprobe,
      args,
      { maxBuffer: 1024 * 1024, signal: options.signal, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          const tail = new TailBuffer(1000);
          tail.push(stderr);
          reject(
            toolStartError('ffprobe', ffprobe, file, error) ??
              pacsError(
                'PACS_ERR_VIDEO',
                `ffprobe failed: "${tail.oneLine(error.message)}"`,
                { file, tool: 'ffprobe' },
                error,
              ),
          );
          return;
        }
        let stream: Record<string, unknown> | undefined;
        try {
          stream = (JSON.parse(stdout) as { streams?: Record<string, unknown>[] }).streams?.[0];
        } catch (e) {
          reject(
            pacsError(
              'PACS_ERR_VIDEO',
              'ffprobe output is not JSON: expected its -of json report',
              { file, tool: 'ffprobe' },
              e,
            ),
          );
          return;
        }
        const width = Number(stream?.width);
        const height = Number(stream?.height);
        if (!stream || !(width > 0) || !(height > 0)) {
          reject(
            pacsError('PACS_ERR_VIDEO', 'ffprobe found no video stream with a frame size: expected a video bitstream', {
              file,
              tool: 'ffprobe',
            }),
          );
          return;
        }
        const fps = rate(stream.avg_frame_rate) ?? rate(stream.r_frame_rate);
        resolve({ codec: typeof stream.codec_name === 'string' ? stream.codec_name : '', width, height, fps });
      },
    );
  });
}

function rate(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const [n, d] = v.split('/').map(Number);
  const fps = d ? n / d : n;
  return Number.isFinite(fps) && fps > 0 ? fps : undefined;
}
