/* photo3d: one photograph (plus optional depth) to a 3D photo.
 * Umbrella header; each part of the pipeline has its own header under photo3d/. */
#ifndef PHOTO3D_H
#define PHOTO3D_H
#include "photo3d/core.h"
#include "photo3d/io.h"
#include "photo3d/mesh.h"
#include "photo3d/midas.h"
#include "photo3d/models.h"
#include "photo3d/pipeline.h"
#include "photo3d/render.h"
#include "photo3d/synth.h"
#endif
