import { ToolName } from '../../common/contract.js';
import type { ModelProfile } from '../../common/models.js';
import type { ScreenGeometry } from '../screen/coordinates.js';
import { computerToolsetDeclaration } from './computer-toolset.js';


/**
 * The computer tool's entry in a request, in the dialect the model speaks, and the beta flag it
 * needs. The toolset carries no name, display size or zoom switch (the API refuses them: the
 * model reads the screen's size off its screenshots); the older tools advertise the screenshot's
 * size, and `computer_20251124` turns its zoom action on.
 */
export function computerToolDeclaration(profile: ModelProfile, geometry: ScreenGeometry): { tool: Record<string, unknown>; beta?: string } {
  if (profile.dialect === 'computer_toolset_20260801') return { tool: computerToolsetDeclaration() };
  const tool: Record<string, unknown> = {
    type: profile.dialect,
    name: ToolName.computer,
    display_width_px: geometry.image.width,
    display_height_px: geometry.image.height,
  };
  if (profile.dialect === 'computer_20251124') tool.enable_zoom = true;
  return { tool, beta: profile.beta };
}
