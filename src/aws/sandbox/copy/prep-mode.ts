/** DMS FullLoadSettings.TargetTablePrepMode ("Full-load task settings"). */
export type TablePrepMode = 'DO_NOTHING' | 'DROP_AND_CREATE' | 'TRUNCATE_BEFORE_LOAD';
export const TABLE_PREP_MODES: readonly string[] = ['DO_NOTHING', 'DROP_AND_CREATE', 'TRUNCATE_BEFORE_LOAD'];
