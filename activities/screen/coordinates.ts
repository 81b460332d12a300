/** The screen's coordinate conversions live in common/, where the workflow can use them too. */
export * from '../../common/screen-geometry.js';
