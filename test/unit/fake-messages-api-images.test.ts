import { randomBytes } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageSize } from '../helpers/messages-image-rules.js';
import { novemberRequest, NOVEMBER_BETA, pngBase64, toolsetRequest, type Mutable } from '../helpers/messages-fixtures.js';
import { checkMessagesRequest } from '../helpers/messages-request-rules.js';

let shot = '';
beforeAll(async () => {
  shot = await pngBase64(64, 40);
});

const image = (data: string, mediaType = 'image/png') => ({ type: 'image', source: { type: 'base64', media_type: mediaType, data } });

/** A request to `model` whose first user turn shows `shown` (or whose last tool result does). */
function showing(model: string, shown: object, inToolResult = false): Mutable {
  const toolset = !['claude-sonnet-4-6', 'claude-opus-4-7'].includes(model);
  const request = toolset ? toolsetRequest(shot, model) : novemberRequest(shot, model);
  if (inToolResult) request.messages[2].content[toolset ? 1 : 0].content = [shown];
  else request.messages[0].content[1] = shown;
  return request;
}

const verdict = (request: Mutable) => checkMessagesRequest(request, NOVEMBER_BETA);
const bad = (message: RegExp) => ({ status: 400, type: 'invalid_request_error', message: expect.stringMatching(message) });

describe('the fake reads image sizes from their headers', () => {
  const encoders: Array<[string, 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp', (image: Sharp) => Sharp]> = [
    ['png', 'image/png', (i) => i.png()],
    ['jpeg', 'image/jpeg', (i) => i.jpeg()],
    ['progressive jpeg', 'image/jpeg', (i) => i.jpeg({ progressive: true })],
    ['gif', 'image/gif', (i) => i.gif()],
    ['lossy webp', 'image/webp', (i) => i.webp()],
    ['lossless webp', 'image/webp', (i) => i.webp({ lossless: true })],
  ];

  it.each(encoders)('agrees with sharp on a %s', async (_label, mediaType, encode) => {
    for (const [width, height, channels] of [[333, 217, 3], [1, 1, 3], [2576, 1449, 4]] as const) {
      const bytes = await encode(sharp({ create: { width, height, channels, background: '#80808080' } })).toBuffer();
      const metadata = await sharp(bytes).metadata();
      expect(imageSize(bytes, mediaType)).toEqual({ width: metadata.width, height: metadata.height });
    }
  });
});

describe('images the real API refuses', () => {
  it('refuses bytes that are not of the declared media type', async () => {
    expect(verdict(showing('claude-sonnet-4-6', image(shot, 'image/jpeg')))).toEqual(bad(/^messages\.0\.content\.1\.image\.source\.base64\.data: Image does not match the provided media type image\/jpeg/));
    const gif = (await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).gif().toBuffer()).toString('base64');
    expect(verdict(showing('claude-sonnet-4-6', image(gif, 'image/webp'), true))).toEqual(bad(/^messages\.2\.content\.0\.content\.0\..*Image does not match the provided media type image\/webp/));
  });

  it('refuses a media type the API does not read, and data that is not base64', () => {
    expect(verdict(showing('claude-sonnet-4-6', image(shot, 'image/bmp')))).toEqual(bad(/media_type: Input should be 'image\/jpeg'/));
    expect(verdict(showing('claude-sonnet-4-6', image('not base64!')))).toEqual(bad(/not valid base64/));
  });

  it('refuses an image of more than 5 MB', async () => {
    const [width, height] = [1500, 1300];
    const noise = await sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
    expect(verdict(showing('claude-opus-5-5', image(noise.toString('base64'))))).toEqual(bad(/image exceeds 5 MB maximum/));
  });

  it('refuses an image over 8000 px on a side', async () => {
    expect(verdict(showing('claude-opus-5-5', image(await pngBase64(8001, 8))))).toEqual(bad(/max allowed size: 8000 pixels/));
  });

  it('refuses an image over 2000 px on a side when the request holds more than 20 images', async () => {
    const wide = image(await pngBase64(2100, 10));
    const request = showing('claude-opus-5-5', wide);
    request.messages[0].content.push(...Array.from({ length: 20 }, () => image(shot)));
    expect(verdict(request)).toEqual(bad(/many-image requests: 2000 pixels/));
  });
});

describe('images larger than the model takes', () => {
  it.each([
    ['claude-sonnet-4-6', 1568, 700],
    ['claude-sonnet-4-6', 1456, 816],
    ['claude-opus-4-7', 2576, 1449],
    ['claude-opus-5-5', 2576, 1449],
    ['claude-fable-5-1', 1449, 2576],
  ])('passes %s an image of %i×%i', async (model, width, height) => {
    expect(verdict(showing(model, image(await pngBase64(width, height)), true))).toBeUndefined();
  });

  it.each([
    ['claude-sonnet-4-6', 1569, 700, false],
    ['claude-sonnet-4-6', 1400, 1000, false],
    ['claude-sonnet-4-6', 1568, 882, true],
    ['claude-opus-4-7', 2577, 100, false],
    ['claude-opus-5-5', 2576, 1460, true],
  ])('refuses %s an image of %i×%i (in a tool result: %s)', async (model, width, height, inToolResult) => {
    const refusal = verdict(showing(model, image(await pngBase64(width, height)), inToolResult));
    expect(refusal).toEqual(bad(new RegExp(`the image is ${width}x${height} px .*${model} takes at most`)));
  });
});
