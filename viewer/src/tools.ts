import {
  addTool,
  Enums as ToolEnums,
  PanTool,
  StackScrollTool,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';

export const TOOL_GROUP_ID = 'gsdiff-review-tools';

/**
 * One tool group for both panes: window/level on the left button, pan on the middle, zoom on the right, slice
 * scroll on the wheel. `csTools.init()` must have run before (cornerstone.ts), or the tools get no mouse listeners.
 */
export function attachTools(renderingEngineId: string, viewportIds: readonly string[]): void {
  for (const tool of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool]) addTool(tool);
  const group = ToolGroupManager.getToolGroup(TOOL_GROUP_ID) ?? ToolGroupManager.createToolGroup(TOOL_GROUP_ID);
  if (!group) throw new Error(`attachTools: expected tool group ${TOOL_GROUP_ID}, got none`);
  for (const tool of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool]) group.addTool(tool.toolName);
  const { MouseBindings } = ToolEnums;
  group.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
  group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
  for (const id of viewportIds) group.addViewport(id, renderingEngineId);
}
