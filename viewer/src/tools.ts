import {
  addTool,
  EllipticalROITool,
  Enums as ToolEnums,
  LengthTool,
  PanTool,
  RectangleROITool,
  StackScrollTool,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';

export const TOOL_GROUP_ID = 'gsdiff-review-tools';

/** What the left mouse button does. */
export type LeftTool = 'windowLevel' | 'length' | 'ellipse' | 'rectangle';
export const LEFT_TOOLS: readonly LeftTool[] = ['windowLevel', 'length', 'ellipse', 'rectangle'];

/** The Cornerstone tool behind each left-button choice. */
export const TOOL_NAMES: Readonly<Record<LeftTool, string>> = {
  windowLevel: WindowLevelTool.toolName,
  length: LengthTool.toolName,
  ellipse: EllipticalROITool.toolName,
  rectangle: RectangleROITool.toolName,
};

/** The measurement tools (their annotations are mirrored on both panes). */
export const MEASUREMENT_TOOL_NAMES: readonly string[] = [
  LengthTool.toolName,
  EllipticalROITool.toolName,
  RectangleROITool.toolName,
];

/** The text shown next to an annotation on the canvas, from the annotation's data (measurements.ts fills it). */
export type AnnotationText = (data: object) => string[] | undefined;

/**
 * One tool group for both panes: the left button's tool (window/level by default, or a measurement tool), pan on
 * the middle, zoom on the right, slice scroll on the wheel. Measurement tools stay passive when not on the left
 * button, so their annotations remain visible and editable. Their statistics are ours (measurements.ts): the tools'
 * own are switched off and their text comes from `text`. `csTools.init()` must have run before (cornerstone.ts),
 * or the tools get no mouse listeners.
 */
export function attachTools(
  renderingEngineId: string,
  viewportIds: readonly string[],
  text: AnnotationText = () => undefined,
): ToolTypes.IToolGroup {
  const all = [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, LengthTool, EllipticalROITool, RectangleROITool];
  for (const tool of all) addTool(tool);
  const group = ToolGroupManager.getToolGroup(TOOL_GROUP_ID) ?? ToolGroupManager.createToolGroup(TOOL_GROUP_ID);
  if (!group) throw new Error(`attachTools: expected tool group ${TOOL_GROUP_ID}, got none`);
  for (const tool of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool]) group.addTool(tool.toolName);
  const getTextLines = (data: object): string[] => text(data) ?? [];
  group.addTool(LengthTool.toolName, { getTextLines });
  group.addTool(EllipticalROITool.toolName, { calculateStats: false, getTextLines });
  group.addTool(RectangleROITool.toolName, { calculateStats: false, getTextLines });
  const { MouseBindings } = ToolEnums;
  group.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
  group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
  for (const name of MEASUREMENT_TOOL_NAMES) group.setToolPassive(name);
  for (const id of viewportIds) group.addViewport(id, renderingEngineId);
  return group;
}

/** Puts `tool` on the left button; the previous left tool becomes passive (its annotations stay editable). */
export function setLeftTool(group: ToolTypes.IToolGroup, tool: LeftTool): void {
  for (const t of LEFT_TOOLS) if (t !== tool) group.setToolPassive(TOOL_NAMES[t]);
  group.setToolActive(TOOL_NAMES[tool], { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
}
